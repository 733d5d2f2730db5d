package io.tessera.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import org.junit.jupiter.api.Test;

/** What a configuration may not say, refused before anything connects. */
class CassandraConfigTest {
    @Test
    void onlyQuorumClassConsistencyLevelsAreAccepted() {
        for (DefaultConsistencyLevel cl : DefaultConsistencyLevel.values()) {
            if (cl.isSerial()) {
                continue;
            }
            if (CassandraConfig.QUORUM_CLASS.contains(cl)) {
                assertThat(CassandraConfig.builder().consistency(cl).build().consistency()).isEqualTo(cl);
            } else {
                assertThatThrownBy(() -> CassandraConfig.builder().consistency(cl).build()).as("%s", cl)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("consistency " + cl)
                        .hasMessageContaining("LOCAL_QUORUM");
            }
        }
        assertThat(CassandraConfig.QUORUM_CLASS).extracting(Enum::name)
                .containsExactlyInAnyOrder("QUORUM", "LOCAL_QUORUM", "EACH_QUORUM", "ALL");
    }
}
