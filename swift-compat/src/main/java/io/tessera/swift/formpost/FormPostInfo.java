package io.tessera.swift.formpost;

import io.tessera.swift.tempurl.Signature;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code formpost} section of {@code /info}, as Swift 2.30's proxy shows it. */
public final class FormPostInfo {
    private FormPostInfo() {
    }

    public static Map<String, Object> section() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("allowed_digests", Signature.ALLOWED_DIGESTS);
        m.put("deprecated_digests", Signature.DEPRECATED_DIGESTS);
        return m;
    }
}
