package io.tessera.swift.tempurl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TempUrlQueryTest {
    @Test
    void expiryAsUnixSecondsOrIso8601AndZeroWhenPastOrMalformed() {
        assertThat(TempUrlQuery.parseExpires("1512508563")).isEqualTo(1512508563L);
        assertThat(TempUrlQuery.parseExpires("2017-12-05T21:16:03Z")).isEqualTo(1512508563L);
        assertThat(TempUrlQuery.parseExpires("tomorrow")).isZero();
        var q = TempUrlQuery.from(Map.of("temp_url_sig", List.of("s"), "temp_url_expires", List.of("100")), 200);
        assertThat(q.expires()).as("past").isZero();
        q = TempUrlQuery.from(Map.of("temp_url_expires", List.of("300"), "inline", List.of("")), 200);
        assertThat(q.expires()).isEqualTo(300);
        assertThat(q.inline()).isTrue();
        assertThat(q.signature()).isNull();
    }
}
