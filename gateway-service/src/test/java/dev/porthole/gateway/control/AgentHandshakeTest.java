package dev.porthole.gateway.control;

import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.registry.LocalRoutes;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.message.Config;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.protocol.message.Welcome;
import dev.porthole.protocol.mux.WebSocketTransport;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class AgentHandshakeTest {

    @Inject
    Vertx vertx;

    @Inject
    RedisAPI redis;

    @Inject
    LocalRoutes routes;

    @Test
    void refusesAnAgentWithoutATokenWithAReasonItCanPrint() {
        UpgradeRejectedException rejected = TestAgent.rejection(vertx, GatewayPortResource.port(), null);
        assertThat(rejected.getStatus()).isEqualTo(401);
        assertThat(rejected.getBody().toString()).contains("needs a token").contains("--token");
    }

    @Test
    void refusesAWrongToken() {
        UpgradeRejectedException rejected =
                TestAgent.rejection(vertx, GatewayPortResource.port(), "Bearer not-the-token-at-all");
        assertThat(rejected.getStatus()).isEqualTo(401);
        assertThat(rejected.getBody().toString()).contains("not accepted");
    }

    @Test
    void refusesCredentialsOfAnotherScheme() {
        UpgradeRejectedException rejected =
                TestAgent.rejection(vertx, GatewayPortResource.port(), "Basic dXNlcjpwYXNz");
        assertThat(rejected.getStatus()).isEqualTo(401);
        assertThat(rejected.getBody().toString()).contains("Bearer");
    }

    @Test
    void grantsTheRequestedSubdomainAndPushesTheHeartbeatConfig() {
        TestAgent agent = TestAgent.connectHttp(vertx, TOKEN, "agent-grant", "api");
        Welcome welcome = agent.awaitWelcome();
        assertThat(welcome.tunnels()).singleElement().satisfies(result -> {
            assertThat(result.status()).isEqualTo(TunnelResult.GRANTED);
            assertThat(result.name()).isEqualTo("api");
            assertThat(result.publicAddress()).isEqualTo("http://api.porthole.test:" + GatewayPortResource.port());
        });
        await().until(() -> !agent.configs.isEmpty());
        Config config = agent.configs.getFirst();
        assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(routes.http("api")).isPresent();
        agent.close();
        await().until(() -> routes.http("api").isEmpty());
        await().until(() -> redis.exists(List.of("porthole:route:http:{api}"))
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get()
                        .toInteger()
                == 0);
    }

    @Test
    void takesUnmaskedFramesFromAgentsAndMaskedOnesFromOlderAgents() {
        TestAgent current = TestAgent.connectHttp(vertx, TOKEN, "agent-unmasked", "plain");
        Welcome welcome = current.awaitWelcome();
        assertThat(welcome.tunnels().getFirst().granted()).isTrue();
        assertThat(welcome.capabilities()).contains(WebSocketTransport.UNMASKED_CAPABILITY);
        assertThat(current.masked()).as("WELCOME lets the agent stop masking").isFalse();
        // Unmasked frames after the switch are taken: the heartbeat's PINGs get their PONGs.
        current.startHeartbeat();
        await().until(() -> current.roundTrip().toNanos() >= 0);

        TestAgent older = TestAgent.connectMasked(
                vertx, GatewayPortResource.port(), TOKEN, "agent-masked", List.of(TunnelRequest.http("masked", "x:1")));
        Welcome olderWelcome = older.awaitWelcome();
        assertThat(olderWelcome.tunnels().getFirst().granted()).isTrue();
        assertThat(olderWelcome.capabilities()).doesNotContain(WebSocketTransport.UNMASKED_CAPABILITY);
        assertThat(older.masked()).isTrue();
        older.startHeartbeat();
        await().until(() -> older.roundTrip().toNanos() >= 0);
        current.close();
        older.close();
    }

    @Test
    void grantsARandomReadableNameWhenNoneIsAsked() {
        TestAgent agent = TestAgent.connectHttp(vertx, TOKEN, "agent-random", "");
        String name = agent.awaitWelcome().tunnels().getFirst().name();
        assertThat(name).matches("[a-z]+-[a-z]+-[a-z2-9]{5}").hasSizeBetween(4, 63);
        agent.close();
    }

    @Test
    void refusesANameHeldByAnotherAgentAndClosesWhenNothingWasGranted() {
        TestAgent holder = TestAgent.connectHttp(vertx, TOKEN, "agent-holder", "shared");
        assertThat(holder.awaitWelcome().tunnels().getFirst().granted()).isTrue();

        TestAgent other = TestAgent.connectHttp(vertx, TOKEN, "agent-other", "shared");
        TunnelResult refused = other.awaitWelcome().tunnels().getFirst();
        assertThat(refused.status()).isEqualTo(TunnelResult.CONFLICT);
        assertThat(refused.message())
                .contains("'shared' is held by another agent of yours")
                .contains("--subdomain");
        await().until(() -> other.closeCode() == CloseCode.NO_TUNNELS.code());
        assertThat(holder.closed).isNotDone();
        holder.close();
    }

    @Test
    void theSameAgentReconnectingTakesItsNameOverAndTheOldSessionEnds() {
        TestAgent first = TestAgent.connectHttp(vertx, TOKEN, "agent-same", "mine");
        first.awaitWelcome();
        TestAgent second = TestAgent.connectHttp(vertx, TOKEN, "agent-same", "mine");
        assertThat(second.awaitWelcome().tunnels().getFirst().granted()).isTrue();
        await().until(() -> first.closeCode() == CloseCode.SESSION_REPLACED.code());
        assertThat(second.closed).isNotDone();
        await().until(() -> routes.http("mine").isPresent());
        second.close();
    }

    @Test
    void refusesANameReservedForAnotherClient() throws Exception {
        redis.set(List.of("porthole:reservation:{vip}", "someone-else"))
                .toCompletionStage()
                .toCompletableFuture()
                .get();
        TestAgent agent = TestAgent.connectHttp(vertx, TOKEN, "agent-vip", "vip");
        TunnelResult result = agent.awaitWelcome().tunnels().getFirst();
        assertThat(result.status()).isEqualTo(TunnelResult.FORBIDDEN);
        assertThat(result.message()).contains("reserved for another client");
    }

    @Test
    void refusesAnInvalidNameAndGrantsTheValidOneNextToIt() {
        TestAgent agent = TestAgent.connect(
                vertx,
                GatewayPortResource.port(),
                TOKEN,
                "agent-mixed",
                List.of(TunnelRequest.http("Bad_Name!", "x:1"), TunnelRequest.http("good-name", "x:2")));
        List<TunnelResult> results = agent.awaitWelcome().tunnels();
        assertThat(results.get(0).status()).isEqualTo(TunnelResult.INVALID);
        assertThat(results.get(0).message()).contains("lower-case letters");
        assertThat(results.get(1).granted()).isTrue();
        assertThat(agent.closed).isNotDone();
        agent.close();
    }

    @Test
    void closesAnAgentThatSpeaksNoCommonProtocolVersion() {
        TestAgent agent = TestAgent.connect(
                vertx,
                GatewayPortResource.port(),
                TOKEN,
                "agent-future",
                List.of(TunnelRequest.http("", "x:1")),
                TestAgent.Dial.speaking(7, 9));
        await().until(() -> agent.closeCode() == CloseCode.UNSUPPORTED_VERSION.code());
        assertThat(agent.closed.join()).contains("agent speaks protocol 7-9");
    }

    @Test
    void closesAConnectionThatNeverSaysHello() throws Exception {
        CompletableFuture<Short> code = new CompletableFuture<>();
        vertx.createWebSocketClient()
                .connect(new WebSocketConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(GatewayPortResource.port())
                        .setURI("/_porthole/agent")
                        .addHeader("Authorization", TOKEN))
                .onSuccess(socket -> socket.closeHandler(v -> code.complete(socket.closeStatusCode())));
        assertThat(code.get(10, TimeUnit.SECONDS)).isEqualTo((short) CloseCode.PROTOCOL_ERROR.code());
    }

    @Test
    void aFrozenAgentIsDetectedByTheHeartbeatAndItsTunnelFreed() {
        TestAgent agent = TestAgent.connectHttp(vertx, TOKEN, "agent-frozen", "frozen");
        agent.awaitWelcome();
        await().until(() -> routes.http("frozen").isPresent());
        agent.freeze();
        await().atMost(Duration.ofSeconds(10)).until(() -> routes.http("frozen").isEmpty());
        await().until(() -> redis.exists(List.of("porthole:route:http:{frozen}"))
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get()
                        .toInteger()
                == 0);
    }

    @Test
    void answersPlainHttpOnTheAgentPathWithUpgradeRequired() {
        var reply = new dev.porthole.gateway.support.Visitor(vertx, GatewayPortResource.port())
                .get("127.0.0.1", "/_porthole/agent");
        assertThat(reply.status()).isEqualTo(426);
        assertThat(reply.text()).contains("porthole http 3000");
    }
}
