package io.tessera.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/** The one ordering of names in every listing: by UTF-8 bytes, unsigned. */
public final class Names {
    private Names() {
    }

    /**
     * UTF-8 byte order. It differs from {@link String#compareTo} (UTF-16 code units) for characters
     * above U+FFFF against U+E000..U+FFFF, which is why listings never use String's natural order.
     */
    public static final Comparator<String> UTF8_ORDER = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
}
