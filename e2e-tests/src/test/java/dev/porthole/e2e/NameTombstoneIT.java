package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.testing.ServiceProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A random name whose agent stopped is not handed to another agent (issue 16.8), with real processes. */
class NameTombstoneIT {

    /** The agent's exit code when the gateway refuses every tunnel it asked for. */
    private static final int TUNNEL_REFUSED = 4;

    private static final String TOKEN_A = "e2e-token-a-0123456789";
    private static final String TOKEN_B = "e2e-token-b-0123456789";

    private PortholeSystem system;

    @AfterEach
    void stop() {
        system.close();
    }

    @Test
    void aFreedRandomNameIsRefusedToAnotherClient() {
        system = new PortholeSystem("NameTombstoneIT-clients")
                .gatewaySetting("PORTHOLE_GATEWAY_AUTH_TOKENS", TOKEN_A + "," + TOKEN_B)
                .startGateway()
                .startUpstream();
        PortholeSystem.Agent first = system.startAgent("first", List.of("--token", TOKEN_A));
        String name = freed(first);

        ServiceProcess poller = system.launchHttpAgent(
                "poller", system.gatewayPort(), List.of("--token", TOKEN_B, "--subdomain", name));
        assertThat(poller.awaitExit(Duration.ofSeconds(60)))
                .as("the other client is refused the freed name")
                .isEqualTo(TUNNEL_REFUSED);
        assertThat(poller.stderr())
                .anyMatch(line -> line.contains("subdomain '" + name + "' is held by another client"));
        assertThat(system.redisGet("porthole:tombstone:{" + name + "}"))
                .as("the tombstone names the first client's agent as the owner")
                .contains("token-1/agent-");
    }

    /** A public session's name ends with it: no agent, whatever id it sends, gets it back. */
    @Test
    void aFreedPublicNameIsNeverHandedOutAgain() {
        system = new PortholeSystem("NameTombstoneIT-public").startGateway().startUpstream();
        PortholeSystem.Agent first = system.startAgent("first", List.of());
        String name = freed(first);

        ServiceProcess poller = system.launchHttpAgent("poller", system.gatewayPort(), List.of("--subdomain", name));
        PortholeSystem.Agent served = new PortholeSystem.Agent(poller, poller.awaitFirstLine(Duration.ofSeconds(60)));
        assertThat(served.name())
                .as("the poller is served under a name of its own")
                .isNotEqualTo(name);
        assertThat(system.redisGet("porthole:tombstone:{" + name + "}"))
                .as("the tombstone's owner is the ended session's secret")
                .startsWith("session/")
                .doesNotContain("agent-");
        poller.stop();
    }

    /** Stops the agent with SIGTERM: it gives its connection up and the gateway frees the name at once. */
    private String freed(PortholeSystem.Agent agent) {
        String name = agent.name();
        agent.process().stop();
        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        system.redisGet("porthole:route:http:{" + name + "}").isEmpty());
        return name;
    }
}
