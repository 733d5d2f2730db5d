package io.tessera.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampTest {
    @Test
    void swiftsFormIsSecondsAndFiveDigitsOfTheFraction() {
        assertThat(new Timestamp(0).toSwift()).isEqualTo("0.00000");
        assertThat(new Timestamp(1_700_000_000_123_456L).toSwift()).isEqualTo("1700000000.12345");
        assertThat(new Timestamp(1_700_000_000_000_010L).toSwift()).isEqualTo("1700000000.00001");
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            long micros = random.nextLong() >>> 1;
            long tenMicros = micros / 10;
            assertThat(new Timestamp(micros).toSwift())
                    .isEqualTo(String.format("%d.%05d", tenMicros / 100_000, tenMicros % 100_000));
        }
    }
}
