package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.e2e.support.ServiceProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A random name whose agent stopped is not handed to another agent (issue 16.8), with real processes. */
class NameTombstoneIT {

    /** The agent's exit code when the gateway refuses every tunnel it asked for. */
    private static final int TUNNEL_REFUSED = 4;

    private PortholeSystem system;

    @AfterEach
    void stop() {
        system.close();
    }

    @Test
    void aFreedRandomNameIsRefusedToAnotherAgentProcess() {
        system = new PortholeSystem("NameTombstoneIT").startGateway().startUpstream();
        PortholeSystem.Agent first = system.startAgent("first", List.of());
        String name = first.name();
        // SIGTERM: the agent gives its connection up and the gateway frees the name at once.
        first.process().stop();
        await().atMost(Duration.ofSeconds(20)).until(() -> system.redisGet("porthole:route:http:" + name).isEmpty());

        ServiceProcess poller = system.launchHttpAgent("poller", system.gatewayPort(), List.of("--subdomain", name));
        assertThat(poller.awaitExit(Duration.ofSeconds(60))).as("the other agent is refused the freed name").isEqualTo(TUNNEL_REFUSED);
        assertThat(poller.stderr()).anyMatch(line -> line.contains("subdomain '" + name + "' is held by another client"));
        assertThat(system.redisGet("porthole:tombstone:" + name)).as("the tombstone names the first agent as the owner").contains("/agent-");
    }
}
