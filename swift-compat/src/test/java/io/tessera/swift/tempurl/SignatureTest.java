package io.tessera.swift.tempurl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SignatureTest {
    private static final String MESSAGE = "GET\n1700000000\n/v1/AUTH_a/c/o";

    @Test
    void hexSignaturesTellTheirDigestByLength() {
        for (String digest : new String[] {"sha1", "sha256", "sha512"}) {
            String hex = Signature.hmacHex(digest, "key", MESSAGE);
            Signature s = Signature.parse(hex);
            assertThat(s.digest()).isEqualTo(digest);
            assertThat(s.matches("key", MESSAGE)).isTrue();
            assertThat(s.matches("other", MESSAGE)).isFalse();
        }
        assertThat(Signature.parse("abc")).as("no digest has 3 hex digits").isNull();
        assertThat(Signature.parse("z".repeat(64))).as("not hex").isNull();
    }

    @Test
    void base64SignaturesWithOrWithoutPaddingAndUrlSafe() {
        byte[] raw = HexFormat.of().parseHex(Signature.hmacHex("sha512", "key", MESSAGE));
        for (String b64 : new String[] {Base64.getEncoder().encodeToString(raw),
                Base64.getEncoder().withoutPadding().encodeToString(raw),
                Base64.getUrlEncoder().encodeToString(raw)}) {
            Signature s = Signature.parse("sha512:" + b64);
            assertThat(s.isAllowed()).isTrue();
            assertThat(s.matches("key", MESSAGE)).as(b64).isTrue();
        }
        assertThat(Signature.parse("sha512:not*base64")).isNull();
        assertThat(Signature.parse("md5:" + Base64.getEncoder().encodeToString(raw)).isAllowed()).isFalse();
    }

    @Test
    void upperCaseHexIsNotTheSignature() {
        String hex = Signature.hmacHex("sha256", "key", MESSAGE).toUpperCase();
        assertThat(Signature.parse(hex).matches("key", MESSAGE)).as("Swift compares hex digests as text").isFalse();
    }
}
