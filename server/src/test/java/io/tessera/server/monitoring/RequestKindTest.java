package io.tessera.server.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestKindTest {
    private static String op(String path) {
        return RequestKind.OPERATIONS[RequestKind.operation(path)];
    }

    @Test
    void theOperationFollowsSwiftsPathLevels() {
        assertThat(op("/v1/AUTH_a")).isEqualTo("account");
        assertThat(op("/v1/AUTH_a/")).isEqualTo("account");
        assertThat(op("/v1/AUTH_a/c")).isEqualTo("container");
        assertThat(op("/v1/AUTH_a/c/")).isEqualTo("container");
        assertThat(op("/v1/AUTH_a/c/o")).isEqualTo("object");
        assertThat(op("/v1/AUTH_a/c/dir/o/")).isEqualTo("object");
        assertThat(op("/v1/AUTH_a/c//")).isEqualTo("object");
        assertThat(op("/v1/")).isEqualTo("other");
        assertThat(op("/v1")).isEqualTo("other");
        assertThat(op("/auth/v1.0")).isEqualTo("auth");
        assertThat(op("/info")).isEqualTo("info");
        assertThat(op("/volumes/v1/AUTH_a/v")).isEqualTo("volumes");
        assertThat(op("/metrics")).isEqualTo("admin");
        assertThat(op("/healthcheck")).isEqualTo("admin");
        assertThat(op("/favicon.ico")).isEqualTo("other");
        assertThat(op("/")).isEqualTo("ui");
        assertThat(op("/ui")).isEqualTo("ui");
        assertThat(op("/ui/js/app.js")).isEqualTo("ui");
        assertThat(op("/uix")).isEqualTo("other");
        assertThat(op(null)).isEqualTo("other");
    }

    @Test
    void unknownMethodsShareOneLabel() {
        assertThat(RequestKind.METHODS[RequestKind.method("COPY")]).isEqualTo("COPY");
        assertThat(RequestKind.METHODS[RequestKind.method("PROPFIND")]).isEqualTo("other");
        assertThat(RequestKind.METHODS[RequestKind.method("get")]).isEqualTo("other");
    }
}
