package io.tessera.swift.tempurl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IpRangeTest {
    @Test
    void addressesAndNetworks() {
        assertThat(IpRange.parse("1.2.3.4").contains("1.2.3.4")).isTrue();
        assertThat(IpRange.parse("1.2.3.4").contains("1.2.3.5")).isFalse();
        IpRange net = IpRange.parse("1.2.3.0/24");
        assertThat(net.contains("1.2.3.200")).isTrue();
        assertThat(net.contains("1.2.4.1")).isFalse();
        assertThat(IpRange.parse("2001:db8::/32").contains("2001:db8:0:0:0:0:0:1")).isTrue();
        assertThat(IpRange.parse("2001:db8::/32").contains("127.0.0.1")).isFalse();
    }

    @Test
    void strictLikePythonsIpNetworkAndNeverResolvesNames() {
        assertThat(IpRange.parse("1.2.3.4/24")).as("host bits set").isNull();
        assertThat(IpRange.parse("1.2.3.0/33")).isNull();
        assertThat(IpRange.parse("256.1.1.1")).isNull();
        assertThat(IpRange.parse("localhost")).isNull();
        assertThat(IpRange.parse("")).isNull();
    }
}
