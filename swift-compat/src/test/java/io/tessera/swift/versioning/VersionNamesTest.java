package io.tessera.swift.versioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.store.Names;
import io.tessera.store.Timestamp;
import io.tessera.swift.errors.SwiftException;
import org.junit.jupiter.api.Test;

class VersionNamesTest {

    @Test
    void versionObjectsInvertTheTimestampSoNewerVersionsSortFirst() {
        Timestamp older = new Timestamp(1_609_459_200_123_450L);
        Timestamp newer = new Timestamp(1_609_459_200_123_460L);
        String a = VersionNames.versionObject("obj", older);
        String b = VersionNames.versionObject("obj", newer);
        assertThat(a).isEqualTo("\0obj\08390540799.87654"); // 9999999999.99999 - 1609459200.12345
        assertThat(Names.UTF8_ORDER.compare(b, a)).isNegative();
        assertThat(VersionNames.parse(a)).contains(new VersionNames.Parsed("obj", older));
        assertThat(VersionNames.parse("plain-name")).isEmpty();
    }

    @Test
    void versionIdsAreSwiftInternalTimestamps() {
        Timestamp t = new Timestamp(1_609_459_200_123_450L);
        assertThat(VersionNames.id(t)).isEqualTo("1609459200.12345");
        assertThat(VersionNames.parseId("1609459200.12345", "bad")).isEqualTo(t);
        assertThat(VersionNames.id(new Timestamp(12_340L))).isEqualTo("0000000000.01234");
        assertThatThrownBy(() -> VersionNames.parseId("yesterday", "Invalid version parameter"))
                .isInstanceOf(SwiftException.class).hasMessage("Invalid version parameter");
        assertThatThrownBy(() -> VersionNames.parseId("-1", "bad")).isInstanceOf(SwiftException.class);
    }

    @Test
    void newVersionTimestampsAreDistinctAndOnTenMicrosecondBoundaries() {
        Timestamp a = VersionNames.newVersion();
        Timestamp b = VersionNames.newVersion();
        assertThat(a.micros() % 10).isZero();
        assertThat(b.micros() % 10).isZero();
        assertThat(b.isAfter(a)).isTrue();
        assertThat(VersionNames.id(a)).isNotEqualTo(VersionNames.id(b));
    }

    @Test
    void legacyArchiveNamesPrefixTheNamesByteLengthInHex() {
        assertThat(ArchiveNames.prefix("o")).isEqualTo("001o/");
        assertThat(ArchiveNames.prefix("é")).isEqualTo("002é/"); // UTF-8 bytes, as Swift counts them
        assertThat(ArchiveNames.of("o", new Timestamp(1_609_459_200_123_450L))).isEqualTo("001o/1609459200.12345");
    }
}
