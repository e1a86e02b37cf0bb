package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.e2e.support.Http;
import dev.porthole.e2e.support.PortholeSystem;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What visitors and agents see when a process dies. */
class AgentFailureIT {

    private static final String TOKEN = "e2e-token-0123456789";

    private PortholeSystem system;

    @AfterEach
    void stop() {
        system.close();
    }

    @Test
    void aKilledAgentIsA502WithinSeconds() {
        system = new PortholeSystem("AgentFailureIT-killedAgent").startGateway().startUpstream();
        PortholeSystem.Agent agent = system.startAgent("agent", List.of());
        assertThat(Http.getByHost(system, agent.name(), "/hello").statusCode()).isEqualTo(200);
        long killedAt = System.nanoTime();
        agent.process().kill();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Http.getByHost(system, agent.name(), "/hello").statusCode() == 502);
        System.out.printf("502 after the agent was killed: %d ms%n", (System.nanoTime() - killedAt) / 1_000_000);
        HttpResponse<String> response = Http.getByHost(system, agent.name(), "/hello");
        assertThat(response.headers().firstValue("X-Porthole-Error")).hasValue("agent-offline");
    }

    @Test
    void anAuthenticatedAgentReconnectsWithTheSameNameAfterTheGatewayRestarts() {
        system = new PortholeSystem("AgentFailureIT-gatewayRestart")
                .gatewaySetting("PORTHOLE_GATEWAY_AUTH_TOKENS", TOKEN)
                .startGateway()
                .startUpstream();
        PortholeSystem.Agent agent = system.startAgent("agent", List.of("--token", TOKEN));
        assertThat(Http.getByHost(system, agent.name(), "/hello").statusCode()).isEqualTo(200);
        system.restartGateway(false);
        long restartedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> Http.getByHost(system, agent.name(), "/hello").statusCode() == 200);
        System.out.printf(
                "traffic flowed again %d ms after the new gateway was up%n",
                (System.nanoTime() - restartedAt) / 1_000_000);
        assertThat(agent.process().isAlive()).isTrue();
        assertThat(agent.process().stderr())
                .anyMatch(line -> line.contains("reconnected; tunnel '" + agent.name() + "'"));
    }

    /** A public name ends with its session (docs/security.md): the agent survives, under a new name it prints. */
    @Test
    void aPublicAgentSurvivesAGatewayKilledWithSigkillUnderANewName() {
        system = new PortholeSystem("AgentFailureIT-gatewayKilled")
                .startGateway()
                .startUpstream();
        PortholeSystem.Agent agent = system.startAgent("agent", List.of());
        system.restartGateway(true);
        await().atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> agent.process().stdout().size() >= 2);
        PortholeSystem.Agent moved = new PortholeSystem.Agent(
                agent.process(), agent.process().stdout().get(1));
        assertThat(moved.name()).isNotEqualTo(agent.name());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Http.getByHost(system, moved.name(), "/hello").statusCode() == 200);
        assertThat(Http.getByHost(system, agent.name(), "/hello").statusCode())
                .as("the old name is gone with its session")
                .isIn(404, 502);
        assertThat(agent.process().stderr()).anyMatch(line -> line.contains("the tunnel moved to " + moved.url()));
        assertThat(agent.process().isAlive()).isTrue();
    }
}
