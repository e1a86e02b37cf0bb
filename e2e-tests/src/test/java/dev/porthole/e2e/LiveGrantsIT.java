package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.e2e.support.AdminApi;
import dev.porthole.e2e.support.Http;
import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.e2e.support.PortholeSystem.Agent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A grant taken away over auth-service's admin API ends on the live session at once (issue 16.10),
 * every part a real process: the tunnel stops serving, and the agent, left without tunnels, exits
 * saying why.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveGrantsIT {

    private PortholeSystem system;
    private AdminApi admin;

    @BeforeAll
    void start() {
        system = new PortholeSystem("live-grants");
        admin = system.startAuthService(Map.of()).admin();
        system.startGateway().startUpstream();
    }

    @AfterAll
    void stop() {
        system.close();
    }

    @Test
    void aSubdomainTakenAwayOverTheAdminApiStopsServingAndTheAgentExitsSayingWhy() {
        String secret = admin.createClient("grantee", "{\"subdomains\":[\"grantee-a\",\"grantee-b\"]}");
        Agent agent = system.startAgent(
                "grantee-agent", List.of("--credentials", "grantee:" + secret, "--subdomain", "grantee-a"));
        assertThat(Http.getByHost(system, "grantee-a", "/hello").statusCode()).isEqualTo(200);

        admin.updateGrants("grantee", "{\"subdomains\":[\"grantee-b\"]}");

        // Promptly, not to a deadline: a request racing the revocation may wait out the gateway's
        // bind wait (2 s) on a loaded machine, so the bound leaves room for a few of those.
        await("the name no longer granted stops serving")
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> Http.getByHost(system, "grantee-a", "/hello").statusCode() == 404);
        assertThat(agent.process().awaitExit(Duration.ofSeconds(30)))
                .as("the agent is left without tunnels")
                .isEqualTo(4);
        assertThat(agent.process().stderr())
                .anyMatch(line -> line.contains("tunnel 'grantee-a' was closed")
                        || line.contains("may no longer hold any of this agent's tunnels"));
    }
}
