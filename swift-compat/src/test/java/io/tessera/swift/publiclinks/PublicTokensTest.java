package io.tessera.swift.publiclinks;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PublicTokensTest {
    @Test
    void base62LeastSignificantDigitFirstAsPithos() {
        assertThat(PublicTokens.encode(BigInteger.ZERO)).isEqualTo("0");
        assertThat(PublicTokens.encode(BigInteger.valueOf(61))).isEqualTo("z");
        assertThat(PublicTokens.encode(BigInteger.valueOf(62))).isEqualTo("01");
        assertThat(PublicTokens.encode(BigInteger.valueOf(62 * 62 + 10))).isEqualTo("A01");
        // the largest 128-bit number takes 22 digits
        assertThat(PublicTokens.encode(BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE))).hasSize(22);
    }

    @Test
    void tokensOf16BytesAreDistinctAndAtMost22Chars() {
        PublicTokens tokens = new PublicTokens(new SecureRandom());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            String t = tokens.next(PublicTokens.BYTES);
            assertThat(t).matches("[0-9A-Za-z]{1,22}");
            assertThat(PublicTokens.wellFormed(t)).isTrue();
            seen.add(t);
        }
        assertThat(seen).hasSize(100_000);
        assertThat(tokens.next(PublicTokens.BYTES + 1)).matches("[0-9A-Za-z]{1,24}");
    }

    @Test
    void wellFormedRefusesWhatNoTokenLooksLike() {
        for (String bad : new String[]{null, "", "a/b", "a b", "é", "a-b", "a.b", "x".repeat(65), "%41"}) {
            assertThat(PublicTokens.wellFormed(bad)).as(String.valueOf(bad)).isFalse();
        }
        assertThat(PublicTokens.wellFormed("x".repeat(64))).isTrue();
    }

    @Test
    void theHeaderIsReadAsPithosReadsIt() {
        assertThat(PublicLinks.requested(null)).isNull();
        assertThat(PublicLinks.requested("true")).isTrue();
        assertThat(PublicLinks.requested(" T r U e ")).isTrue();
        assertThat(PublicLinks.requested("false")).isFalse();
        assertThat(PublicLinks.requested("")).isFalse();
        assertThat(PublicLinks.requested("   ")).isFalse();
        for (String bad : new String[]{"yes", "1", "0", "truex", "true;", "\ttrue"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> PublicLinks.requested(bad))
                    .as(bad).isInstanceOf(io.tessera.swift.errors.SwiftException.class);
        }
    }
}
