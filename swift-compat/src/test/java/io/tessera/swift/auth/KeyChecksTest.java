package io.tessera.swift.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.swift.errors.SwiftException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KeyChecksTest {
    final AtomicLong now = new AtomicLong(1_000_000);
    final User tester = new User("test:tester", KeyHasher.hash("testing"), null, Set.of("admin"));
    final KeyChecks keys = new KeyChecks(new UserDirectory(List.of(tester)), 1, now::get);

    static int status(Throwable e) {
        return ((SwiftException) e).error().code();
    }

    @Test
    void aRecentSuccessIsNotHashedAgain() {
        long t0 = System.nanoTime();
        assertThat(keys.authenticate("test:tester", "testing", "10.0.0.1")).contains(tester);
        long first = System.nanoTime() - t0;
        t0 = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            assertThat(keys.authenticate("test:tester", "testing", "10.0.0.1")).contains(tester);
        }
        long hundred = System.nanoTime() - t0;
        assertThat(hundred).as("100 remembered checks cost less than the one PBKDF2 (%d ns)", first).isLessThan(first);
        assertThat(keys.authenticate("test:tester", "testinG", "10.0.0.1")).as("another key is checked").isEmpty();
    }

    @Test
    void wrongKeysFromOneAddressCloseItForADoublingTimeWithoutHashing() {
        for (int i = 0; i < KeyChecks.FREE_FAILURES + 1; i++) {
            assertThat(keys.authenticate("test:tester", "wrong", "10.0.0.2")).isEmpty();
        }
        long hashed = keys.keysHashed();
        assertThatThrownBy(() -> keys.authenticate("test:tester", "testing", "10.0.0.2"))
                .satisfies(e -> assertThat(status(e)).isEqualTo(429)).hasMessageContaining("retry in 1 s");
        assertThat(keys.keysHashed()).as("refused before any hashing").isEqualTo(hashed);
        assertThat(keys.authenticate("test:tester", "testing", "10.0.0.3")).as("another address").contains(tester);

        now.addAndGet(1_001);
        assertThat(keys.authenticate("test:tester", "wrong", "10.0.0.2")).isEmpty(); // the 7th: closed for 2 s
        now.addAndGet(1_500);
        assertThatThrownBy(() -> keys.authenticate("test:tester", "testing", "10.0.0.2"))
                .satisfies(e -> assertThat(status(e)).isEqualTo(429));
        now.addAndGet(600);
        assertThat(keys.authenticate("test:tester", "testing", "10.0.0.2")).as("after the back-off").contains(tester);
        assertThat(keys.authenticate("test:tester", "wrong", "10.0.0.2")).as("a success cleared the count").isEmpty();
        assertThat(keys.authenticate("test:tester", "testing", "10.0.0.2")).contains(tester);
    }
}
