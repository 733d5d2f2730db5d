package io.tessera.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The one ordering of names in every listing, by UTF-8 bytes unsigned, and the two bounds every
 * listing path derives from a name: {@link #successor} (just after a name) and {@link #prefixEnd}
 * (just after every name that starts with a prefix). Both backends and the Swift pager use these and
 * nothing else, so a character at an edge of UTF-8 (the surrogate gap, U+FFFF, U+10FFFF) is handled
 * in one place.
 */
public final class Names {
    private Names() {
    }

    /**
     * UTF-8 byte order. It differs from {@link String#compareTo} (UTF-16 code units) for characters
     * above U+FFFF against U+E000..U+FFFF, which is why listings never use String's natural order.
     * For strings of valid characters it is code point order.
     */
    public static final Comparator<String> UTF8_ORDER = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    /** The smallest string greater than {@code name} in UTF-8 byte order: {@code name} followed by U+0000. */
    public static String successor(String name) {
        return name + '\0';
    }

    /**
     * The smallest string greater than every string that starts with {@code prefix}, in UTF-8 byte order;
     * null if there is none (the prefix is all U+10FFFF). UTF-8 byte order is code point order, so this is
     * the prefix with its last code point incremented: U+D7FF is followed by U+E000 (the surrogates
     * U+D800..U+DFFF are not characters and have no UTF-8 encoding; a lone one encodes as '?', which sorts
     * far lower), U+FFFF by U+10000 (three bytes to four). U+10FFFF has no successor of any length, so it
     * is dropped and the code point before it is incremented instead.
     */
    public static String prefixEnd(String prefix) {
        int end = prefix.length();
        while (end > 0) {
            int cp = prefix.codePointBefore(end);
            int start = end - Character.charCount(cp);
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                throw new IllegalArgumentException("unpaired surrogate in a name");
            }
            if (cp < Character.MAX_CODE_POINT) {
                int next = cp + 1 == Character.MIN_SURROGATE ? Character.MAX_SURROGATE + 1 : cp + 1;
                return prefix.substring(0, start) + Character.toString(next);
            }
            end = start;
        }
        return null;
    }
}
