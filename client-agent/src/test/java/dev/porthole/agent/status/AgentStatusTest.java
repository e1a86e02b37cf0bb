package dev.porthole.agent.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelResult;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The status the agent serves on /api/status: tunnels as answered, counts, bounded last errors. */
class AgentStatusTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-30T00:00:00Z"), ZoneOffset.UTC);
    private static final List<TunnelSpec> SPECS =
            List.of(TunnelSpec.http("3000", "api"), TunnelSpec.tcp("22", 1, false, null, o -> o));

    @Test
    void showsServingAndRefusedTunnelsWithTheirRequestCounts() {
        AgentStatus status = new AgentStatus("agent-1", "http://gw:8080", SPECS, List.of("web", "ssh"), CLOCK);
        assertThat(status.toJson().getJsonArray("tunnels").getJsonObject(0).getString("state"))
                .isEqualTo("waiting");
        status.connected(
                List.of(
                        new TunnelResult(TunnelKind.HTTP, "api", 0, "http://api.gw", TunnelResult.GRANTED, ""),
                        new TunnelResult(
                                TunnelKind.TCP, "", 1, "", TunnelResult.INVALID, "port 1 is outside the range")),
                true);
        status.completed("api", "GET", "/", 200, Duration.ofMillis(3));
        status.completed("api", "GET", "/x", 502, Duration.ofMillis(3));

        JsonObject json = status.toJson();
        assertThat(json.getString("state")).isEqualTo("connected");
        JsonObject web = json.getJsonArray("tunnels").getJsonObject(0);
        assertThat(web.getString("name")).isEqualTo("web");
        assertThat(web.getString("state")).isEqualTo("serving");
        assertThat(web.getString("address")).isEqualTo("http://api.gw");
        assertThat(web.getString("upstream")).isEqualTo("127.0.0.1:3000");
        assertThat(web.getLong("requests")).isEqualTo(2);
        assertThat(web.getLong("failedRequests")).isEqualTo(1);
        JsonObject ssh = json.getJsonArray("tunnels").getJsonObject(1);
        assertThat(ssh.getString("state")).isEqualTo("refused");
        assertThat(ssh.getString("error")).isEqualTo("port 1 is outside the range");
        assertThat(json.getJsonArray("errors").getJsonObject(0).getString("message"))
                .isEqualTo("tunnel 'ssh' refused (400): port 1 is outside the range");
    }

    @Test
    void keepsTheLastTenErrorsAndCountsReconnects() {
        AgentStatus status = new AgentStatus("agent-1", "http://gw:8080", SPECS, null, CLOCK);
        for (int i = 1; i <= 15; i++) {
            status.retrying("attempt " + i + " failed", Duration.ofSeconds(1));
        }
        assertThat(status.toJson().getString("state")).isEqualTo("reconnecting");
        assertThat(status.toJson().getJsonArray("errors")).hasSize(AgentStatus.MAX_ERRORS);
        assertThat(status.toJson().getJsonArray("errors").getJsonObject(0).getString("message"))
                .isEqualTo("attempt 6 failed");
        status.connected(List.of(), true);
        status.connected(List.of(), false);
        assertThat(status.toJson().getLong("reconnects")).isEqualTo(1);
    }

    @Test
    void anAttemptTheGatewayHoldsBackIsNotAConnectionAndNamesTheTunnelItRefused() {
        AgentStatus status =
                new AgentStatus("agent-1", "http://gw:8080", List.of(TunnelSpec.http("3000", "")), null, CLOCK);
        List<TunnelResult> heldBack = List.of(new TunnelResult(
                TunnelKind.HTTP, "", 0, "", TunnelResult.UNAVAILABLE, "the tunnel registry is unavailable right now"));
        status.connected(heldBack, true);
        status.retrying("the gateway asks to try again later: tunnel refused for now", Duration.ofSeconds(1));
        status.connected(heldBack, true);

        JsonObject json = status.toJson();
        assertThat(json.getString("state")).isNotEqualTo("connected");
        assertThat(json.getString("connectedSince")).isNull();
        assertThat(json.getJsonArray("errors").getJsonObject(0).getString("message"))
                .isEqualTo("tunnel 'http, any name' refused (503): the tunnel registry is unavailable right now");

        status.connected(List.of(TunnelResult.granted(TunnelKind.HTTP, "k3x9", 0, "http://k3x9.gw")), true);
        assertThat(status.toJson().getString("state")).isEqualTo("connected");
        assertThat(status.toJson().getLong("reconnects"))
                .as("held-back attempts are no reconnects")
                .isZero();
    }
}
