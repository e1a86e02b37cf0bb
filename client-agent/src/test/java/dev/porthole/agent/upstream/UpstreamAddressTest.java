package dev.porthole.agent.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UpstreamAddressTest {

    @Test
    void aBarePortMeansLoopback() {
        assertThat(UpstreamAddress.parse("3000")).isEqualTo(new UpstreamAddress("127.0.0.1", 3000));
    }

    @Test
    void readsHostAndPort() {
        assertThat(UpstreamAddress.parse("LocalHost:8080")).isEqualTo(new UpstreamAddress("localhost", 8080));
        assertThat(UpstreamAddress.parse("192.168.1.5:80")).isEqualTo(new UpstreamAddress("192.168.1.5", 80));
    }

    @Test
    void readsIpv6InBracketsAndPrintsItBack() {
        UpstreamAddress address = UpstreamAddress.parse("[::1]:8080");
        assertThat(address).isEqualTo(new UpstreamAddress("::1", 8080));
        assertThat(address.toString()).isEqualTo("[::1]:8080");
    }

    @Test
    void explainsWhatIsWrong() {
        assertThatThrownBy(() -> UpstreamAddress.parse("")).hasMessageContaining("give a port");
        assertThatThrownBy(() -> UpstreamAddress.parse("::1:8080")).hasMessageContaining("[ipv6]:port");
        assertThatThrownBy(() -> UpstreamAddress.parse("[::1]8080")).hasMessageContaining("[::1]:8080");
        assertThatThrownBy(() -> UpstreamAddress.parse("host:http")).hasMessageContaining("not a port number");
        assertThatThrownBy(() -> UpstreamAddress.parse("70000")).hasMessageContaining("between 1 and 65535");
    }
}
