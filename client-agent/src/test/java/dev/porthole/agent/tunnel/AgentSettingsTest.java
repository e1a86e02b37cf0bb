package dev.porthole.agent.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentSettingsTest {

    private static AgentSettings settings(String server) {
        return AgentSettings.of(URI.create(server), "a", draft -> {
            draft.upstreamTimeout = Duration.ofSeconds(1);
            draft.maxUpstreamConnections = 1;
            draft.maxReconnectDelay = Duration.ofSeconds(1);
        });
    }

    @Test
    void turnsTheServerUrlIntoTheWebSocketEndpoint() {
        assertThat(settings("http://gw.example.com:8080").endpoint())
                .hasToString("ws://gw.example.com:8080/_porthole/agent");
        assertThat(settings("https://gw.example.com").endpoint())
                .hasToString("wss://gw.example.com:443/_porthole/agent");
        assertThat(settings("http://gw.example.com/base/").endpoint())
                .hasToString("ws://gw.example.com:80/base/_porthole/agent");
        assertThat(settings("http://[::1]:8080").endpoint()).hasToString("ws://[::1]:8080/_porthole/agent");
    }

    @Test
    void settingsNamedByDraftDefaultToOneSystemTrustedConnectionThatNeverGivesUp() {
        URI server = URI.create("http://gw.example.com");
        assertThat(AgentSettings.of(server, "a", draft -> {}))
                .isEqualTo(new AgentSettings(
                        server,
                        "/_porthole/agent",
                        null,
                        null,
                        "a",
                        List.of(),
                        Duration.ofSeconds(30),
                        100,
                        Duration.ofSeconds(30),
                        0,
                        false,
                        1,
                        GatewayTrust.SYSTEM,
                        AgentSettings.DEFAULT_FIRST_CONNECT_WINDOW));
    }

    @Test
    void countsTheLinksToGatewaysOfAPoolAndOfHa() {
        URI server = URI.create("http://gw.example.com");
        assertThat(AgentSettings.of(server, "a", draft -> {}).links()).isEqualTo(1);
        assertThat(AgentSettings.of(server, "a", draft -> draft.connections = 3).links())
                .isEqualTo(3);
        assertThat(AgentSettings.of(server, "a", draft -> draft.ha = true).links())
                .isEqualTo(2);
    }

    @Test
    void refusesOtherSchemes() {
        assertThatThrownBy(() -> settings("ftp://gw.example.com").endpoint()).hasMessageContaining("http://, https://");
    }
}
