package io.tessera.swift.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.swift.errors.SwiftException;
import org.junit.jupiter.api.Test;

class ByteRangesTest {
    @Test
    void parsesSingleSuffixOpenAndMultipleRanges() {
        assertThat(ByteRanges.parse("bytes=0-9", 100)).containsExactly(new ByteRanges.Range(0, 9));
        assertThat(ByteRanges.parse("bytes=-10", 100)).containsExactly(new ByteRanges.Range(90, 99));
        assertThat(ByteRanges.parse("bytes=95-", 100)).containsExactly(new ByteRanges.Range(95, 99));
        assertThat(ByteRanges.parse("bytes=90-200", 100)).containsExactly(new ByteRanges.Range(90, 99));
        assertThat(ByteRanges.parse("bytes=-200", 100)).containsExactly(new ByteRanges.Range(0, 99));
        assertThat(ByteRanges.parse("bytes=0-0,50-59", 100))
                .containsExactly(new ByteRanges.Range(0, 0), new ByteRanges.Range(50, 59));
    }

    @Test
    void malformedHeadersAreIgnored() {
        assertThat(ByteRanges.parse(null, 100)).isNull();
        assertThat(ByteRanges.parse("items=0-1", 100)).isNull();
        assertThat(ByteRanges.parse("bytes=5-1", 100)).isNull();
        assertThat(ByteRanges.parse("bytes=a-b", 100)).isNull();
        assertThat(ByteRanges.parse("bytes=-", 100)).isNull();
        for (String signed : new String[] {"bytes=--1", "bytes=--0", "bytes=1--2", "bytes=1-+2", "bytes=0-1,--1", "bytes=++1-2"}) {
            assertThat(ByteRanges.parse(signed, 100)).as(signed).isNull();
        }
    }

    @Test
    void numbersAreReadAsPythonsIntReadsThem() {
        assertThat(ByteRanges.parse("bytes=+1-2", 100)).containsExactly(new ByteRanges.Range(1, 2));
        assertThat(ByteRanges.parse("bytes=0-99999999999999999999999", 100)).containsExactly(new ByteRanges.Range(0, 99));
        assertThat(ByteRanges.parse("bytes=-99999999999999999999999", 100)).containsExactly(new ByteRanges.Range(0, 99));
        assertStatus416(() -> ByteRanges.parse("bytes=99999999999999999999999-", 100));
    }

    @Test
    void unsatisfiableAndAbusiveRangesAre416() {
        assertStatus416(() -> ByteRanges.parse("bytes=100-", 100));
        assertStatus416(() -> ByteRanges.parse("bytes=-0", 100));
        assertStatus416(() -> ByteRanges.parse("bytes=0-1", 0));
        assertStatus416(() -> ByteRanges.parse("bytes=0-10,0-10,0-10", 100)); // 3 overlapping pairs
        StringBuilder many = new StringBuilder("bytes=");
        for (int i = 0; i < 51; i++) {
            many.append(i == 0 ? "" : ",").append(i).append('-').append(i);
        }
        assertStatus416(() -> ByteRanges.parse(many.toString(), 100));
        assertStatus416(() -> ByteRanges.parse("bytes=9-9,8-8,7-7,6-6,5-5,4-4,3-3,2-2,1-1", 100));
    }

    private static void assertStatus416(Runnable r) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(SwiftException.class, e -> {
            assertThat(e.error().code()).isEqualTo(416);
            assertThat(e.headers()).containsEntry("Content-Range", "bytes */" + (e.headers().get("Content-Range").endsWith("/0") ? 0 : 100));
        });
    }
}
