package dev.porthole.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.registry.TunnelKey;
import dev.porthole.gateway.registry.TunnelRegistry;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.message.Capabilities;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.protocol.message.Welcome;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(GatewayTestProfiles.PublicMode.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class PublicModeTest {

    @Inject
    Vertx vertx;

    @Inject
    TunnelRegistry registry;

    @Test
    void aPublicAgentIsOfferedNoPoolSinceItsNamesAreItsSessionsAlone() {
        TestAgent agent = TestAgent.connectLane(
                vertx,
                GatewayPortResource.port(),
                null,
                "agent-public-pool",
                List.of(TunnelRequest.http("", "x:1")),
                0);
        assertThat(agent.awaitWelcome().capabilities())
                .contains(Capabilities.HA)
                .doesNotContain(Capabilities.POOL);
        agent.close();
    }

    @Test
    void anyoneMayConnectAndGetsARandomName() {
        TestAgent agent = TestAgent.connectHttp(vertx, null, "agent-anon", "");
        TunnelResult result = agent.awaitWelcome().tunnels().getFirst();
        assertThat(result.granted()).isTrue();
        assertThat(result.name()).matches("[a-z]+-[a-z]+-[a-z2-9]{5}");
        agent.close();
    }

    @Test
    void aChosenSubdomainIsRefusedInPublicMode() {
        TestAgent agent = TestAgent.connectHttp(vertx, null, "agent-vain", "my-app");
        TunnelResult result = agent.awaitWelcome().tunnels().getFirst();
        assertThat(result.status()).isEqualTo(TunnelResult.FORBIDDEN);
        assertThat(result.message()).contains("random names only");
        await().until(() -> agent.closeCode() == CloseCode.NO_TUNNELS.code());
    }

    @Test
    void aReconnectingPublicAgentGetsAFreshRandomName() {
        TestAgent first = TestAgent.connectHttp(vertx, null, "agent-back", "");
        String name = first.awaitWelcome().tunnels().getFirst().name();
        first.close();
        TestAgent again = TestAgent.connectHttp(vertx, null, "agent-back", name);
        TunnelResult result = again.awaitWelcome().tunnels().getFirst();
        assertThat(result.granted()).as(result.message()).isTrue();
        assertThat(result.name())
                .as("a public name ends with its session: no host on the domain is renewable forever")
                .isNotEqualTo(name)
                .matches("[a-z]+-[a-z]+-[a-z2-9]{5}");
        again.close();
    }

    /**
     * The agent id is the agent's word and shown in events: neither it nor a name in use lets
     * anyone take a public session's name. The stranger is served under a name of its own.
     */
    @Test
    void aStrangerCannotTakeALivePublicName() {
        TestAgent first = TestAgent.connectHttp(vertx, null, "agent-seen", "");
        Welcome firstWelcome = first.awaitWelcome();
        String name = firstWelcome.tunnels().getFirst().name();
        for (String agentId : List.of("agent-seen", "agent-other")) {
            TestAgent stranger = TestAgent.connectHttp(vertx, null, agentId, name);
            TunnelResult result = stranger.awaitWelcome().tunnels().getFirst();
            assertThat(result.granted()).as(agentId + ": " + result).isTrue();
            assertThat(result.name()).as(agentId + " gets a name of its own").isNotEqualTo(name);
            assertThat(registry.holders(TunnelKey.http(name))
                            .toCompletionStage()
                            .toCompletableFuture()
                            .join())
                    .as("the name stays with the first session")
                    .singleElement()
                    .satisfies(holder -> assertThat(holder.sessionId()).isEqualTo(firstWelcome.sessionId()));
            stranger.close();
        }
        assertThat(first.closed).as("the first session is not replaced").isNotDone();
        first.close();
    }

    @Test
    void aFreedRandomNameIsNotHandedToAnotherAgent() {
        TestAgent first = TestAgent.connectHttp(vertx, null, "agent-gone", "");
        String name = first.awaitWelcome().tunnels().getFirst().name();
        first.close();
        await().until(() -> registry.holders(TunnelKey.http(name))
                .toCompletionStage()
                .toCompletableFuture()
                .join()
                .isEmpty());
        for (String agentId : List.of("agent-poller", "agent-gone")) {
            TestAgent poller = TestAgent.connectHttp(vertx, null, agentId, name);
            TunnelResult result = poller.awaitWelcome().tunnels().getFirst();
            assertThat(result.name())
                    .as("a name freed a moment ago, asked for by " + agentId)
                    .isNotEqualTo(name);
            poller.close();
        }
    }

    @Test
    void aPublicSessionHoldsOneTunnel() {
        TestAgent agent = TestAgent.connect(
                vertx,
                GatewayPortResource.port(),
                null,
                "agent-greedy",
                List.of(TunnelRequest.http("", "x:1"), TunnelRequest.http("", "x:2")));
        List<TunnelResult> results = agent.awaitWelcome().tunnels();
        assertThat(results.getFirst().granted()).isTrue();
        assertThat(results.get(1).status()).isEqualTo(TunnelResult.FORBIDDEN);
        assertThat(results.get(1).message()).contains("a public session may hold at most 1 tunnel");
        agent.close();
    }
}
