package io.tessera.swift.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.swift.errors.SwiftException;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccountAclTest {
    @Test
    void levelsAndSwiftsCanonicalForm() {
        String stored = AccountAcl.validate("{\"read-write\": [\"p:u\"], \"admin\": [\"boss\", \"caf\u00e9\"]}");
        Map<String, String> meta = Map.of(AccountAcl.METADATA_KEY, stored);
        AccountAcl acl = AccountAcl.fromMetadata(meta).orElseThrow();
        assertThat(acl.levelOf(Set.of("p", "p:u"))).isEqualTo(AccountAcl.Level.READ_WRITE);
        assertThat(acl.levelOf(Set.of("boss"))).isEqualTo(AccountAcl.Level.ADMIN);
        assertThat(acl.levelOf(Set.of("x"))).isEqualTo(AccountAcl.Level.NONE);
        assertThat(AccountAcl.replyHeader(meta)).isEqualTo("{\"admin\":[\"boss\",\"caf\\u00e9\"],\"read-write\":[\"p:u\"]}");
        assertThat(AccountAcl.replyHeader(Map.of(AccountAcl.METADATA_KEY, "{}"))).isNull();
        assertThat(AccountAcl.fromMetadata(Map.of(AccountAcl.METADATA_KEY, "{\"admin\":[]}"))).isEmpty();
    }

    @Test
    void invalidAclsAreRefusedWithTempauthsReasons() {
        assertThatThrownBy(() -> AccountAcl.validate("{\"admin\":[\"a\"]} x")).isInstanceOf(SwiftException.class)
                .hasMessageContaining("Syntax error");
        assertThatThrownBy(() -> AccountAcl.validate("{\"owner\":[]}")).hasMessageContaining("Key \"owner\" not recognized");
        assertThatThrownBy(() -> AccountAcl.validate("{\"admin\":\"a\"}")).hasMessageContaining("must be a list");
        assertThatThrownBy(() -> AccountAcl.validate("{\"admin\":[true]}")).hasMessageContaining("must be strings");
    }
}
