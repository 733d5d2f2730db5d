package io.tessera.swift.symlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.swift.errors.SwiftException;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import org.junit.jupiter.api.Test;

class SymlinkRequestTest {

    private static MultivaluedMap<String, String> headers(String... kv) {
        MultivaluedMap<String, String> m = new MultivaluedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.add(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void targetsAreDecodedThenQuotedAsSwiftStoresThem() {
        Symlink link = SymlinkRequest.of(headers("X-Symlink-Target", "tc/dealde%2Fl04 011e%204c8df/flash.png"))
                .parse("AUTH_a", "lc", "link");
        assertThat(link.target()).isEqualTo("tc/dealde/l04%20011e%204c8df/flash.png");
        assertThat(link.targetContainer()).isEqualTo("tc");
        assertThat(link.targetObject()).isEqualTo("dealde/l04 011e 4c8df/flash.png");
        assertThat(link.path("AUTH_a")).isEqualTo("/v1/AUTH_a/tc/dealde/l04%20011e%204c8df/flash.png");
        assertThat(link.isStatic()).isFalse();
        assertThat(Symlink.of(link.toMetadata())).contains(link);
    }

    @Test
    void badTargetsAreRefusedLikeSwift() {
        assertThatThrownBy(() -> SymlinkRequest.of(headers("X-Symlink-Target", "/c/o")).parse("a", "c", "x"))
                .isInstanceOf(SwiftException.class).extracting(e -> ((SwiftException) e).error().code()).isEqualTo(412);
        assertThatThrownBy(() -> SymlinkRequest.of(headers("X-Symlink-Target", "just-an-object")).parse("a", "c", "x"))
                .isInstanceOf(SwiftException.class).extracting(e -> ((SwiftException) e).error().code()).isEqualTo(412);
        assertThatThrownBy(() -> SymlinkRequest.of(headers("X-Symlink-Target", "c/x")).parse("a", "c", "x"))
                .hasMessage("Symlink cannot target itself");
        assertThatThrownBy(() -> SymlinkRequest.of(headers("X-Symlink-Target", "c/o",
                "X-Symlink-Target-Etag", "a;b")).parse("a", "c", "x")).hasMessage("Bad X-Symlink-Target-Etag format");
        assertThatThrownBy(() -> SymlinkRequest.of(headers("X-Symlink-Target", "c/o",
                "X-Symlink-Target-Account", "a/b")).parse("a", "c", "x")).isInstanceOf(SwiftException.class);
    }

    @Test
    void aTargetAccountMakesTheLinkPointThere() {
        Symlink link = SymlinkRequest.of(headers("X-Symlink-Target", "c/x", "X-Symlink-Target-Account", "AUTH_b",
                "X-Symlink-Target-Etag", "\"abc\"")).parse("AUTH_a", "c", "x");
        assertThat(link.account()).isEqualTo("AUTH_b");
        assertThat(link.etag()).isEqualTo("abc");
        assertThat(link.path("AUTH_a")).isEqualTo("/v1/AUTH_b/c/x");
    }

    @Test
    void aCopyOfALinkAsksForTheLinkWithTheClientsHeadersOverIt() {
        Symlink source = new Symlink(null, "tc/t%20o", "abc", 11L);
        SymlinkRequest same = SymlinkRequest.copyOf(source, headers());
        assertThat(same.parse("AUTH_a", "c", "copy")).isEqualTo(new Symlink(null, "tc/t%20o", "abc", null));
        // Only X-Symlink-Target-Account: the same target, in that account (Swift's copy keeps each header).
        SymlinkRequest elsewhere = SymlinkRequest.copyOf(source, headers("X-Symlink-Target-Account", "AUTH_b"));
        assertThat(elsewhere.parse("AUTH_a", "c", "copy").path("AUTH_a")).isEqualTo("/v1/AUTH_b/tc/t%20o");
        assertThat(SymlinkRequest.copyOf(source, headers("X-Symlink-Target", "x/y")).parse("AUTH_a", "c", "copy")
                .target()).isEqualTo("x/y");
        assertThatThrownBy(() -> SymlinkRequest.copyOf(source, headers()).parse("AUTH_a", "tc", "t o"))
                .hasMessage("Symlink cannot target itself");
    }
}
