package io.tessera.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The listing bounds every backend and the pager derive from names. */
class NamesTest {
    private static final String MAX = Character.toString(Character.MAX_CODE_POINT);

    @Test
    void prefixEndIsTheSmallestNameAfterEveryNameWithThePrefix() {
        assertThat(Names.prefixEnd("photos/")).isEqualTo("photos0");
        assertThat(Names.prefixEnd("a\u007F")).isEqualTo("a\u0080"); // one byte to two
        assertThat(Names.prefixEnd("a\u07FF")).isEqualTo("a\u0800"); // two bytes to three
        assertThat(Names.prefixEnd("a\uD7FF")).isEqualTo("a\uE000"); // surrogates are not characters of UTF-8
        assertThat(Names.prefixEnd("a\uFFFF")).isEqualTo("a\uD800\uDC00"); // U+FFFF + 1 = U+10000, three bytes to four
        assertThat(Names.prefixEnd("a\uDBFF\uDFFE")).isEqualTo("a" + MAX);
        assertThat(Names.prefixEnd("a" + MAX)).isEqualTo("b"); // U+10FFFF has no successor
        assertThat(Names.prefixEnd("a" + MAX + MAX)).isEqualTo("b");
        assertThat(Names.prefixEnd(MAX)).isNull();
        assertThat(Names.prefixEnd("")).isNull();
        assertThatThrownBy(() -> Names.prefixEnd("a\uD800")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void prefixEndBoundsExactlyTheNamesWithThePrefixInUtf8ByteOrder() {
        List<String> chars = List.of("", "/", "a", "\u007F", "\u0080", "\u07FF", "\u0800", "\uD7FF", "\uE000",
                "\uFFFD", "\uFFFF", "\uD800\uDC00", "\uDBFF\uDFFE", MAX);
        for (String a : chars) {
            for (String b : chars) {
                String prefix = a + b;
                if (prefix.isEmpty()) {
                    continue;
                }
                String end = Names.prefixEnd(prefix);
                for (String c : chars) {
                    for (String d : chars) {
                        String name = c + d;
                        boolean below = end == null || Names.UTF8_ORDER.compare(name, end) < 0;
                        boolean inRange = Names.UTF8_ORDER.compare(name, prefix) >= 0 && below;
                        assertThat(inRange).as("%s within [%s, %s)", name, prefix, end).isEqualTo(name.startsWith(prefix));
                        // and nothing valid lies between the last name with the prefix and the bound
                        if (end != null) {
                            assertThat(Names.UTF8_ORDER.compare(name, end) >= 0 || name.startsWith(prefix)
                                    || Names.UTF8_ORDER.compare(name, prefix) < 0).isTrue();
                        }
                    }
                }
            }
        }
    }

    @Test
    void successorIsTheNextNameInByteOrder() {
        assertThat(Names.successor("a")).isEqualTo("a\0");
        byte[] a = "a\uFFFF".getBytes(StandardCharsets.UTF_8);
        byte[] s = Names.successor("a\uFFFF").getBytes(StandardCharsets.UTF_8);
        assertThat(Arrays.compareUnsigned(s, a)).isPositive();
        assertThat(Arrays.copyOf(s, a.length)).isEqualTo(a);
    }
}
