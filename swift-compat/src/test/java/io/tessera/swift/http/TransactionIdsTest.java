package io.tessera.swift.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TransactionIdsTest {
    @Test
    void swiftsFormWithTheClientsSafeExtraPart() {
        String now = String.format("%010x", System.currentTimeMillis() / 1000);
        assertThat(TransactionIds.generate(null)).matches("tx[0-9a-f]{21}-[0-9a-f]{10}")
                .satisfies(id -> assertThat(id.substring(24)).isIn(now, String.format("%010x", System.currentTimeMillis() / 1000)));
        assertThat(TransactionIds.generate("my job/42 é")).matches("tx[0-9a-f]{21}-[0-9a-f]{10}-myjob42");
        assertThat(TransactionIds.generate("%%%")).matches("tx[0-9a-f]{21}-[0-9a-f]{10}");
        assertThat(TransactionIds.generate("x".repeat(100))).endsWith("-" + "x".repeat(32));
    }
}
