package io.tessera.swift.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.swift.errors.SwiftException;
import org.junit.jupiter.api.Test;

class SwiftPathTest {
    private static final SwiftConstraints LIMITS = SwiftConstraints.DEFAULTS;

    @Test
    void splitsLevelsAndKeepsEveryCharacterOfObjectNames() {
        assertThat(SwiftPath.parse("AUTH_t", LIMITS)).isEqualTo(new SwiftPath("AUTH_t", null, null));
        assertThat(SwiftPath.parse("AUTH_t/", LIMITS)).isEqualTo(new SwiftPath("AUTH_t", null, null));
        assertThat(SwiftPath.parse("AUTH_t/c", LIMITS)).isEqualTo(new SwiftPath("AUTH_t", "c", null));
        assertThat(SwiftPath.parse("AUTH_t/c/", LIMITS)).isEqualTo(new SwiftPath("AUTH_t", "c", null));
        assertThat(SwiftPath.parse("AUTH_t/c/a//b/", LIMITS)).isEqualTo(new SwiftPath("AUTH_t", "c", "a//b/"));
        assertThat(SwiftPath.parse("AUTH_t/c/a%2Fb%20%C3%A9;x", LIMITS).object()).isEqualTo("a/b é;x");
        assertThat(SwiftPath.parse("AUTH_t/c/%F0%9D%84%9E", LIMITS).object()).isEqualTo("\uD834\uDD1E");
    }

    @Test
    void decodesBeforeSplittingAsSwiftDoes() {
        assertThat(SwiftPath.parse("AUTH_t/c%2Fx", LIMITS)).isEqualTo(new SwiftPath("AUTH_t", "c", "x"));
        assertThat(SwiftPath.parse("AUTH_t/c%2F", LIMITS)).isEqualTo(new SwiftPath("AUTH_t", "c", null));
        assertThat(SwiftPath.parse("AUTH_t%2Fc%2Fo%2Fp", LIMITS)).isEqualTo(new SwiftPath("AUTH_t", "c", "o/p"));
        assertThat(SwiftPath.splitDecoded("/c%2Fx/o", "X-Copy-From")).containsExactly("c", "x/o");
        assertThat(SwiftPath.splitDecoded("%2Fc/o", "X-Copy-From")).containsExactly("c", "o");
        assertThat(SwiftPath.splitDecoded("c", "X-Copy-From")).isNull();
        assertThat(SwiftPath.splitDecoded("//c/o", "X-Copy-From")).isNull();
    }

    @Test
    void refusesDotSegmentsAsContainerNamesWith412() {
        for (String dots : new String[] {".", "..", "%2E", "%2e%2E"}) {
            assertStatus(() -> SwiftPath.parse("AUTH_t/" + dots, LIMITS), 412);
            assertStatus(() -> SwiftPath.parse("AUTH_t/" + dots + "/o", LIMITS), 412);
        }
        assertThat(SwiftPath.parse("AUTH_t/...", LIMITS).container()).isEqualTo("...");
        assertThat(SwiftPath.parse("AUTH_t/c/..", LIMITS).object()).as("object names may be anything").isEqualTo("..");
    }

    @Test
    void rejectsInvalidUtf8AndNulWith412() {
        assertStatus(() -> SwiftPath.parse("AUTH_t/c/%FF", LIMITS), 412);
        assertStatus(() -> SwiftPath.parse("AUTH_t/c/%C3", LIMITS), 412);
        assertStatus(() -> SwiftPath.parse("AUTH_t/c/a%00b", LIMITS), 412);
        assertStatus(() -> SwiftPath.parse("AUTH_t/c/%G1", LIMITS), 400);
    }

    @Test
    void checksNameLengthsInUtf8Bytes() {
        assertThat(SwiftPath.parse("AUTH_t/c/" + "a".repeat(1024), LIMITS).object()).hasSize(1024);
        assertStatus(() -> SwiftPath.parse("AUTH_t/c/" + "a".repeat(1025), LIMITS), 400);
        assertStatus(() -> SwiftPath.parse("AUTH_t/c/" + "%C3%A9".repeat(513), LIMITS), 400);
        assertStatus(() -> SwiftPath.parse("AUTH_t/" + "c".repeat(257), LIMITS), 400);
    }

    private static void assertStatus(Runnable r, int status) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(SwiftException.class,
                e -> assertThat(e.error().code()).isEqualTo(status));
    }
}
