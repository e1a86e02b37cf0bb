package dev.porthole.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SourceAddressTest {

    @Test
    void dropsThePortOfAnIpv4Address() {
        assertThat(SourceAddress.of("192.0.2.7:51234")).contains("192.0.2.7");
        assertThat(SourceAddress.of(" 192.0.2.7 ")).contains("192.0.2.7");
    }

    @Test
    void countsAnIpv6AddressAsItsSlash64() {
        assertThat(SourceAddress.of("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).contains("2001:db8:1:2::/64");
        assertThat(SourceAddress.of("[2001:db8:1:2::9]:443")).contains("2001:db8:1:2::/64");
        assertThat(SourceAddress.of("2001:db8:1:3::1")).contains("2001:db8:1:3::/64");
        assertThat(SourceAddress.of("2001:db8:1:3::/64"))
                .as("a key is its own key")
                .contains("2001:db8:1:3::/64");
    }

    @Test
    void countsAnIpv4MappedAddressAsIpv4() {
        assertThat(SourceAddress.of("::ffff:198.51.100.4")).contains("198.51.100.4");
    }

    @Test
    void refusesWhatIsNoIpLiteral() {
        assertThat(SourceAddress.of("example.com")).isEmpty();
        assertThat(SourceAddress.of("unknown")).isEmpty();
        assertThat(SourceAddress.of("")).isEmpty();
        assertThat(SourceAddress.of(null)).isEmpty();
        assertThat(SourceAddress.of("192.0.2.1, 10.0.0.1")).isEmpty();
    }
}
