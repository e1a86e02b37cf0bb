package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.testing.ServiceProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The agent's exit codes and messages against a real gateway that requires a token. */
class AgentExitIT {

    private static final String TOKEN = "e2e-token-0123456789";
    private static PortholeSystem system;

    @BeforeAll
    static void start() {
        system = new PortholeSystem("AgentExitIT")
                .gatewaySetting("PORTHOLE_GATEWAY_AUTH_TOKENS", TOKEN)
                .startGateway()
                .startUpstream();
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    void aBadTokenExitsWithCode3AndSaysSo() {
        ServiceProcess agent = system.launchAgent(
                "bad-token", List.of("http", "3000", "--server", system.gatewayUrl("")), Map.of("TOKEN", "wrong"));
        assertThat(agent.awaitExit(Duration.ofSeconds(30))).isEqualTo(3);
        assertThat(agent.stderr()).anyMatch(line -> line.contains("porthole: the token was not accepted"));
    }

    @Test
    void aNameHeldByAnotherAgentExitsWithCode4AndSaysWhatToDo() {
        PortholeSystem.Agent holder = system.startAgent("holder", List.of("--token", TOKEN, "--subdomain", "taken"));
        assertThat(holder.name()).isEqualTo("taken");
        ServiceProcess second = system.launchAgent(
                "second",
                List.of("http", "3000", "--server", system.gatewayUrl(""), "--subdomain", "taken"),
                Map.of("TOKEN", TOKEN));
        assertThat(second.awaitExit(Duration.ofSeconds(30))).isEqualTo(4);
        // Said once: as the exit's last line, not also as a log line before it.
        assertThat(second.stderr())
                .filteredOn(line -> line.contains("'taken' is held by"))
                .singleElement()
                .satisfies(line -> assertThat(line)
                        .startsWith("porthole: subdomain 'taken' is held by another agent of yours (agent agent-")
                        .contains(", connected ")
                        .contains(" from 127.0.0.1")
                        .contains("--subdomain"));
        assertThat(holder.process().isAlive()).isTrue();
    }

    @Test
    void environmentVariablesWorkLikeFlags() {
        ServiceProcess agent = system.launchAgent(
                "by-env",
                List.of("http", String.valueOf(system.upstreamPort())),
                Map.of("SERVER", system.gatewayUrl(""), "TOKEN", TOKEN, "SUB_DOMAIN", "from-env"));
        assertThat(agent.awaitFirstLine(PortholeSystem.START_TIMEOUT))
                .isEqualTo("http://from-env.porthole.test:" + system.gatewayPort());
        agent.stop();
    }
}
