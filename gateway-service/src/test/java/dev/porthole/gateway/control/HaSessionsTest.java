package dev.porthole.gateway.control;

import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.config.GatewayInstance;
import dev.porthole.gateway.registry.LocalRoutes;
import dev.porthole.gateway.registry.Route;
import dev.porthole.gateway.registry.TunnelKey;
import dev.porthole.gateway.registry.TunnelOwner;
import dev.porthole.gateway.registry.TunnelRegistry;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.message.Capabilities;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.protocol.message.Welcome;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Sessions that say {@code ha} in HELLO: WELCOME names this instance, two sessions of one agent
 * both hold its names (neither replaces the other), and GOAWAY from one gives its place up at once
 * while it finishes, leaving the other serving.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class HaSessionsTest {

    private static final Set<String> HA = Set.of(Capabilities.HTTP, Capabilities.HA);

    @Inject
    Vertx vertx;

    @Inject
    LocalRoutes routes;

    @Inject
    TunnelRegistry registry;

    @Inject
    GatewayInstance instance;

    @Test
    void welcomeNamesThisInstanceAndGrantsHa() {
        TestAgent agent = TestAgent.connectHttp(vertx, TOKEN, "agent-ha-welcome", "ha-w", HA);
        Welcome welcome = agent.awaitWelcome();
        assertThat(welcome.version()).isEqualTo(2);
        assertThat(welcome.gatewayId()).isEqualTo(instance.id());
        assertThat(welcome.capabilities()).contains(Capabilities.HA);
        agent.close();
    }

    @Test
    void twoHaSessionsOfOneAgentHoldTheNameAndGoawayFromOneLeavesTheOther() {
        List<TunnelRequest> tunnels = List.of(TunnelRequest.http("ha-pair", "x:1"));
        TestAgent first = TestAgent.connect(vertx, GatewayPortResource.port(), TOKEN, "agent-ha-pair", tunnels, HA);
        assertThat(first.awaitWelcome().tunnels())
                .singleElement()
                .extracting(TunnelResult::status)
                .isEqualTo(TunnelResult.GRANTED);
        TestAgent second = TestAgent.connect(vertx, GatewayPortResource.port(), TOKEN, "agent-ha-pair", tunnels, HA);
        Welcome secondWelcome = second.awaitWelcome();
        assertThat(secondWelcome.tunnels())
                .singleElement()
                .extracting(TunnelResult::status)
                .isEqualTo(TunnelResult.GRANTED);
        String firstSession = first.awaitWelcome().sessionId();

        assertThat(holders("ha-pair"))
                .extracting(Route::sessionId)
                .containsExactlyInAnyOrder(firstSession, secondWelcome.sessionId());
        assertThat(routes.http("ha-pair"))
                .map(TunnelOwner::sessionId)
                .as("the session bound last serves")
                .hasValue(secondWelcome.sessionId());
        assertThat(first.closed)
                .as("an HA session does not replace its agent's other one")
                .isNotDone();

        second.goAway("same gateway instance as the agent's other HA connection");
        assertThat(second.closeCodeWhenClosed()).isEqualTo(CloseCode.NORMAL.code());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(holders("ha-pair")).extracting(Route::sessionId).containsExactly(firstSession);
            assertThat(routes.http("ha-pair")).map(TunnelOwner::sessionId).hasValue(firstSession);
        });
        assertThat(first.closed).isNotDone();
        first.close();
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        holders("ha-pair").isEmpty() && routes.http("ha-pair").isEmpty());
    }

    @Test
    void aPlainSessionOfTheSameAgentStillReplacesItsHaSessions() {
        List<TunnelRequest> tunnels = List.of(TunnelRequest.http("ha-plain", "x:1"));
        TestAgent ha = TestAgent.connect(vertx, GatewayPortResource.port(), TOKEN, "agent-ha-plain", tunnels, HA);
        ha.awaitWelcome();
        TestAgent plain = TestAgent.connect(vertx, GatewayPortResource.port(), TOKEN, "agent-ha-plain", tunnels);
        assertThat(plain.awaitWelcome().tunnels())
                .singleElement()
                .extracting(TunnelResult::status)
                .isEqualTo(TunnelResult.GRANTED);
        assertThat(ha.closeCodeWhenClosed()).isEqualTo(CloseCode.SESSION_REPLACED.code());
        plain.close();
    }

    private List<Route> holders(String name) {
        try {
            return registry.holders(TunnelKey.http(name))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
