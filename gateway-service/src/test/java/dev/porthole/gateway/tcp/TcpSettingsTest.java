package dev.porthole.gateway.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porthole.gateway.config.PortRange;
import dev.porthole.gateway.config.TestConfigs;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The TCP settings: the port range's notation and the start-up check of every TCP key. */
class TcpSettingsTest {

    @Test
    void readsARange() {
        PortRange range = PortRange.parse(" 20000 - 20999 ");
        assertThat(range).isEqualTo(new PortRange(20000, 20999));
        assertThat(range.size()).isEqualTo(1000);
        assertThat(range.contains(20000)).isTrue();
        assertThat(range.contains(21000)).isFalse();
    }

    @Test
    void readsASinglePortAsARangeOfOne() {
        assertThat(PortRange.parse("2222")).isEqualTo(new PortRange(2222, 2222));
    }

    @Test
    void explainsABadRange() {
        assertThatThrownBy(() -> PortRange.parse("high-low"))
                .hasMessageContaining("is not a port range like 20000-20999");
        assertThatThrownBy(() -> PortRange.parse("30000-20000")).hasMessageContaining("first <= last");
        assertThatThrownBy(() -> PortRange.parse("0-10")).hasMessageContaining("1 <= first");
    }

    @Test
    void reportsEveryTcpMistakeNamingItsKey() {
        assertThat(TestConfigs.problems(Map.of(
                        "porthole.gateway.tcp.max-connections-per-tunnel", "0",
                        "porthole.gateway.tcp.idle-timeout", "0s",
                        "porthole.gateway.tcp.allocation-attempts", "-1")))
                .hasSize(3)
                .anyMatch(
                        p -> p.startsWith(
                                "porthole.gateway.tcp.max-connections-per-tunnel (PORTHOLE_GATEWAY_TCP_MAX_CONNECTIONS_PER_TUNNEL) "))
                .anyMatch(p -> p.startsWith("porthole.gateway.tcp.idle-timeout (PORTHOLE_GATEWAY_TCP_IDLE_TIMEOUT) "))
                .anyMatch(p -> p.startsWith(
                        "porthole.gateway.tcp.allocation-attempts (PORTHOLE_GATEWAY_TCP_ALLOCATION_ATTEMPTS) "));
        assertThat(TestConfigs.problems(Map.of("porthole.gateway.tcp.port-range", "8000-9000")))
                .singleElement()
                .asString()
                .startsWith("porthole.gateway.tcp.port-range:")
                .contains("contains http.port 8080");
    }

    @Test
    void aRangeThatIsNotOneStopsTheConfigurationFromLoadingNamingTheKey() {
        assertThatThrownBy(() -> TestConfigs.gateway(Map.of("porthole.gateway.tcp.port-range", "twenty")))
                .hasMessageContaining("porthole.gateway.tcp.port-range")
                .hasMessageContaining("'twenty' is not a port range like 20000-20999");
    }
}
