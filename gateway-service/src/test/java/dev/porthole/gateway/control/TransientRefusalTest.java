package dev.porthole.gateway.control;

import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.ingress.ErrorPages;
import dev.porthole.gateway.registry.LocalRoutes;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.TcpRangeResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.gateway.support.Visitor;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.protocol.message.Welcome;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A HELLO that gets some tunnels and a refusal for now only (503) for another gets none: the
 * grants are given back and the session closes with TRY_AGAIN_LATER, so that the agent asks for
 * all its tunnels again rather than running without the refused one until it happens to reconnect.
 * A refusal for good (400, 403, 409) next to a grant leaves the grant served.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
@WithTestResource(TcpRangeResource.class)
class TransientRefusalTest {

    @Inject
    Vertx vertx;

    @Inject
    RedisAPI redis;

    @Inject
    LocalRoutes routes;

    @Test
    void grantsNextToATransientRefusalAreHeldBackUntilTheAgentAsksAgain() throws Exception {
        List<TunnelRequest> tunnels =
                List.of(TunnelRequest.http("steady", "x:1"), new TunnelRequest(TunnelKind.TCP, "", 0, false, "x:2"));
        TestAgent refused;
        // Every port of the gateway's TCP range in use on the host: a random port is refused for now (503).
        List<ServerSocket> taken = new ArrayList<>();
        try {
            for (int port = TcpRangeResource.first(); port <= TcpRangeResource.last(); port++) {
                taken.add(new ServerSocket(port));
            }
            refused = TestAgent.connect(vertx, GatewayPortResource.port(), TOKEN, "agent-held-back", tunnels);
            Welcome welcome = refused.awaitWelcome();
            assertThat(welcome.tunnels()).hasSize(2).noneMatch(TunnelResult::granted);
            assertThat(welcome.tunnels().get(1).status()).isEqualTo(TunnelResult.UNAVAILABLE);
            assertThat(welcome.tunnels().get(1).message()).contains("no free TCP port");
            assertThat(welcome.tunnels().getFirst()).satisfies(held -> {
                assertThat(held.status()).isEqualTo(TunnelResult.UNAVAILABLE);
                assertThat(held.name()).isEqualTo("steady");
                assertThat(held.message())
                        .contains("held back")
                        .contains("the agent will try again with all its tunnels");
            });
            assertThat(refused.closeCodeWhenClosed()).isEqualTo(CloseCode.TRY_AGAIN_LATER.code());
        } finally {
            for (ServerSocket socket : taken) {
                socket.close();
            }
        }

        assertThat(routes.http("steady")).isEmpty();
        Visitor.Reply visit = new Visitor(vertx, GatewayPortResource.port())
                .get("steady.porthole.test:" + GatewayPortResource.port(), "/");
        assertThat(visit.status()).isEqualTo(404);
        assertThat(visit.header(ErrorPages.ERROR_HEADER)).isEqualTo("tunnel-not-found");
        await().until(() -> !routeInRedis("steady"));

        // The ports are free again: the agent's next HELLO, with the same tunnels, gets both.
        TestAgent again = TestAgent.connect(vertx, GatewayPortResource.port(), TOKEN, "agent-held-back", tunnels);
        assertThat(again.awaitWelcome().tunnels()).hasSize(2).allMatch(TunnelResult::granted);
        assertThat(routes.http("steady")).isPresent();
        TestAgent.closeAndAwait(again);
    }

    @Test
    void aPermanentRefusalNextToAGrantLeavesTheGrantServed() {
        TestAgent agent = TestAgent.connect(
                vertx,
                GatewayPortResource.port(),
                TOKEN,
                "agent-partly-refused",
                List.of(TunnelRequest.http("kept", "x:1"), new TunnelRequest(TunnelKind.TCP, "", 1, false, "x:2")));
        Welcome welcome = agent.awaitWelcome();
        assertThat(welcome.tunnels().getFirst().granted()).isTrue();
        assertThat(welcome.tunnels().get(1).status())
                .as("a port outside the range: asking again would not help")
                .isEqualTo(TunnelResult.INVALID);
        // CONFIG follows WELCOME only on a session that goes on.
        await().until(() -> !agent.configs.isEmpty());
        assertThat(agent.closed).isNotDone();
        assertThat(routes.http("kept")).isPresent();
        TestAgent.closeAndAwait(agent);
    }

    private boolean routeInRedis(String name) throws Exception {
        return redis.exists(List.of("porthole:route:http:{" + name + "}"))
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get()
                        .toInteger()
                > 0;
    }
}
