package dev.porthole.gateway.control;

import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porthole.gateway.registry.LocalRoutes;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.gateway.support.Visitor;
import dev.porthole.protocol.message.Capabilities;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpResponseHead;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An agent's pool: several connections to this instance, each naming its lane in {@code
 * X-Porthole-Lane} and asking for {@code ha} and {@code pool}. The streams of its names take the lanes
 * in turn (from a visitor's event loop that runs no lane; LocalRoutesTest covers one that does); a lane
 * that reconnects replaces its own predecessor, not a sibling; a session bound last that is no lane
 * serves alone, as before pools.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class PoolSessionsTest {

    @Inject
    Vertx vertx;

    @Inject
    LocalRoutes routes;

    private final List<TestAgent> agents = new ArrayList<>();

    @AfterEach
    void closeAgents() {
        agents.forEach(TestAgent::close);
    }

    @Test
    void anAgentsLanesTakeTheRequestsForItsNameInTurn() {
        List<TunnelRequest> tunnels = List.of(TunnelRequest.http("pool-turns", "x:1"));
        TestAgent lane0 = lane("agent-pool-turns", tunnels, 0);
        assertThat(lane0.awaitWelcome().capabilities()).contains(Capabilities.POOL, Capabilities.HA);
        TestAgent lane1 = lane("agent-pool-turns", tunnels, 1);
        answering(lane0, "lane 0");
        answering(lane1, "lane 1");

        // Asked from a thread that runs no lane's connection (as a visitor's event loop that holds none): in turn.
        assertThat(turns("pool-turns", 4))
                .containsExactlyInAnyOrder(session(lane0), session(lane1), session(lane0), session(lane1))
                .satisfies(turns -> assertThat(turns.get(0)).isNotEqualTo(turns.get(1)));
        // A visitor is served by a lane, whichever event loop its connection is on.
        assertThat(answers("pool-turns", 6).keySet()).isSubsetOf("lane 0", "lane 1");
    }

    @Test
    void aLaneThatReconnectsReplacesItsPredecessorAndNotItsSibling() {
        List<TunnelRequest> tunnels = List.of(TunnelRequest.http("pool-again", "x:1"));
        TestAgent lane0 = lane("agent-pool-again", tunnels, 0);
        TestAgent lane1 = lane("agent-pool-again", tunnels, 1);
        // The old lane 1 stays connected (a connection whose loss the gateway has not noticed yet).
        TestAgent lane1Again = lane("agent-pool-again", tunnels, 1);
        answering(lane0, "lane 0");
        answering(lane1, "the old lane 1");
        answering(lane1Again, "lane 1 again");

        assertThat(turns("pool-again", 4))
                .containsExactlyInAnyOrder(session(lane0), session(lane1Again), session(lane0), session(lane1Again));
        assertThat(answers("pool-again", 6).keySet()).isSubsetOf("lane 0", "lane 1 again");
    }

    @Test
    void aSessionOfTheAgentThatIsNoLaneServesAloneOnceBoundLast() {
        List<TunnelRequest> tunnels = List.of(TunnelRequest.http("pool-ha", "x:1"));
        TestAgent lane0 = lane("agent-pool-ha", tunnels, 0);
        TestAgent lane1 = lane("agent-pool-ha", tunnels, 1);
        TestAgent ha = TestAgent.connect(
                vertx,
                GatewayPortResource.port(),
                TOKEN,
                "agent-pool-ha",
                tunnels,
                java.util.Set.of(Capabilities.HTTP, Capabilities.HA));
        agents.add(ha);
        assertThat(ha.awaitWelcome().tunnels())
                .singleElement()
                .extracting(TunnelResult::status)
                .isEqualTo(TunnelResult.GRANTED);
        answering(lane0, "lane 0");
        answering(lane1, "lane 1");
        answering(ha, "ha");

        assertThat(answers("pool-ha", 4)).containsExactlyEntriesOf(Map.of("ha", 4L));
    }

    @Test
    void anUpgradeNamingNoLaneNumberIsRefusedWithASentence() throws Exception {
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(GatewayPortResource.port())
                .setURI("/_porthole/agent")
                .addHeader("Authorization", TOKEN)
                .addHeader("X-Porthole-Lane", "16");
        assertThatThrownBy(() -> vertx.createWebSocketClient(new WebSocketClientOptions())
                        .connect(options)
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS))
                .cause()
                .isInstanceOfSatisfying(UpgradeRejectedException.class, rejected -> {
                    assertThat(rejected.getStatus()).isEqualTo(400);
                    assertThat(rejected.getBody().toString())
                            .isEqualTo("X-Porthole-Lane must be a whole number from 0 to 15\n");
                });
    }

    private TestAgent lane(String agentId, List<TunnelRequest> tunnels, int lane) {
        TestAgent agent = TestAgent.connectLane(vertx, GatewayPortResource.port(), TOKEN, agentId, tunnels, lane);
        agents.add(agent);
        assertThat(agent.awaitWelcome().tunnels())
                .singleElement()
                .extracting(TunnelResult::status)
                .isEqualTo(TunnelResult.GRANTED);
        return agent;
    }

    /** Each stream the gateway opens to {@code agent} is answered 200 with {@code body}. */
    private static void answering(TestAgent agent, String body) {
        agent.serving((stream, open) -> {
            stream.respond(new HttpResponseHead(
                    200, "", List.of(new Header("Content-Length", String.valueOf(body.length())))));
            stream.end(Buffer.buffer(body));
        });
    }

    /** The sessions the route table gives {@code name}'s next {@code count} requests, asked from this thread. */
    private List<String> turns(String name, int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> routes.http(name).orElseThrow().sessionId())
                .toList();
    }

    private static String session(TestAgent agent) {
        return agent.awaitWelcome().sessionId();
    }

    /** How many of {@code count} requests, one after the other, each answer got. */
    private Map<String, Long> answers(String name, int count) {
        Visitor visitor = new Visitor(vertx, GatewayPortResource.port());
        String host = name + ".porthole.test:" + GatewayPortResource.port();
        return IntStream.range(0, count)
                .mapToObj(i -> visitor.get(host, "/").body().toString())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }
}
