package io.tessera.swift;

import io.tessera.swift.etag.EtagQuoter;
import io.tessera.swift.quota.Quotas;
import io.tessera.swift.symlink.Symlinks;
import io.tessera.swift.versioning.LegacyVersioning;
import io.tessera.swift.versioning.ObjectVersioning;
import java.util.LinkedHashMap;
import java.util.Map;

/** The optional Swift features this build enables, as {@code /info} advertises them (one key each). */
public final class SwiftFeatures {
    private SwiftFeatures() {
    }

    public static Map<String, Map<String, Object>> info() {
        Map<String, Map<String, Object>> m = new LinkedHashMap<>();
        m.put("symlink", Symlinks.info());
        m.put("versioned_writes", LegacyVersioning.info());
        m.put("object_versioning", ObjectVersioning.info());
        m.put("container_quotas", Quotas.containerInfo());
        m.put("account_quotas", Quotas.accountInfo());
        m.put("etag_quoter", EtagQuoter.info());
        return m;
    }
}
