package dev.porthole.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.registry.TunnelKey;
import dev.porthole.gateway.registry.TunnelRegistry;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
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
    void anyoneMayConnectAndGetsARandomName() {
        TestAgent agent = TestAgent.connect(vertx, GatewayPortResource.port(), null, "agent-anon", List.of(TunnelRequest.http("", "x:1")));
        TunnelResult result = agent.awaitWelcome().tunnels().getFirst();
        assertThat(result.granted()).isTrue();
        assertThat(result.name()).matches("[a-z]+-[a-z]+-[a-z2-9]{5}");
        agent.close();
    }

    @Test
    void aChosenSubdomainIsRefusedInPublicMode() {
        TestAgent agent = TestAgent.connect(vertx, GatewayPortResource.port(), null, "agent-vain", List.of(TunnelRequest.http("my-app", "x:1")));
        TunnelResult result = agent.awaitWelcome().tunnels().getFirst();
        assertThat(result.status()).isEqualTo(TunnelResult.FORBIDDEN);
        assertThat(result.message()).contains("random names only");
        await().until(() -> agent.closeCode() == CloseCode.NO_TUNNELS.code());
    }

    @Test
    void aReconnectingPublicAgentGetsItsRandomNameBack() {
        TestAgent first = TestAgent.connect(vertx, GatewayPortResource.port(), null, "agent-back", List.of(TunnelRequest.http("", "x:1")));
        String name = first.awaitWelcome().tunnels().getFirst().name();
        TestAgent again = TestAgent.connect(vertx, GatewayPortResource.port(), null, "agent-back", List.of(TunnelRequest.http(name, "x:1")));
        assertThat(again.awaitWelcome().tunnels().getFirst().name()).isEqualTo(name);
        await().until(() -> first.closeCode() == CloseCode.SESSION_REPLACED.code());
        again.close();
    }

    @Test
    void aFreedRandomNameIsNotHandedToAnotherAgent() {
        TestAgent first = TestAgent.connect(vertx, GatewayPortResource.port(), null, "agent-gone", List.of(TunnelRequest.http("", "x:1")));
        String name = first.awaitWelcome().tunnels().getFirst().name();
        first.close();
        await().until(() -> registry.holders(TunnelKey.http(name)).toCompletionStage().toCompletableFuture().join().isEmpty());
        TestAgent poller = TestAgent.connect(vertx, GatewayPortResource.port(), null, "agent-poller", List.of(TunnelRequest.http(name, "x:1")));
        TunnelResult result = poller.awaitWelcome().tunnels().getFirst();
        assertThat(result.status()).as("a name freed a moment ago, claimed by another agent").isEqualTo(TunnelResult.CONFLICT);
        TestAgent back = TestAgent.connect(vertx, GatewayPortResource.port(), null, "agent-gone", List.of(TunnelRequest.http(name, "x:1")));
        assertThat(back.awaitWelcome().tunnels().getFirst().name()).as("the same agent, reconnecting").isEqualTo(name);
        back.close();
    }

    @Test
    void anotherPublicAgentCannotTakeARandomNameInUse() {
        TestAgent first = TestAgent.connect(vertx, GatewayPortResource.port(), null, "agent-one", List.of(TunnelRequest.http("", "x:1")));
        String name = first.awaitWelcome().tunnels().getFirst().name();
        TestAgent thief = TestAgent.connect(vertx, GatewayPortResource.port(), null, "agent-two", List.of(TunnelRequest.http(name, "x:1")));
        assertThat(thief.awaitWelcome().tunnels().getFirst().status()).isEqualTo(TunnelResult.CONFLICT);
        assertThat(first.closed).isNotDone();
        first.close();
    }
}
