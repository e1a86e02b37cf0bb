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
        await().atMost(Duration.ofSeconds(10)).until(() -> Http.getByHost(system, agent.name(), "/hello").statusCode() == 502);
        System.out.printf("502 after the agent was killed: %d ms%n", (System.nanoTime() - killedAt) / 1_000_000);
        HttpResponse<String> response = Http.getByHost(system, agent.name(), "/hello");
        assertThat(response.headers().firstValue("X-Porthole-Error")).hasValue("agent-offline");
    }

    @Test
    void theAgentReconnectsWithTheSameNameAfterTheGatewayRestarts() {
        system = new PortholeSystem("AgentFailureIT-gatewayRestart").startGateway().startUpstream();
        PortholeSystem.Agent agent = system.startAgent("agent", List.of());
        assertThat(Http.getByHost(system, agent.name(), "/hello").statusCode()).isEqualTo(200);
        system.restartGateway(false);
        long restartedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                .until(() -> Http.getByHost(system, agent.name(), "/hello").statusCode() == 200);
        System.out.printf("traffic flowed again %d ms after the new gateway was up%n", (System.nanoTime() - restartedAt) / 1_000_000);
        assertThat(agent.process().isAlive()).isTrue();
        assertThat(agent.process().stderr()).anyMatch(line -> line.contains("reconnected; tunnel '" + agent.name() + "'"));
    }

    @Test
    void theAgentSurvivesAGatewayKilledWithSigkill() {
        system = new PortholeSystem("AgentFailureIT-gatewayKilled").startGateway().startUpstream();
        PortholeSystem.Agent agent = system.startAgent("agent", List.of());
        system.restartGateway(true);
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                .until(() -> Http.getByHost(system, agent.name(), "/hello").statusCode() == 200);
        assertThat(agent.process().isAlive()).isTrue();
    }
}
