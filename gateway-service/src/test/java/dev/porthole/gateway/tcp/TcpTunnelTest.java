package dev.porthole.gateway.tcp;

import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.TcpRangeResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/** Public TCP tunnels against a real Redis: port allocation, refusals, registry keys, the relay and release. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
@WithTestResource(TcpRangeResource.class)
class TcpTunnelTest {

    private static final String OTHER_TOKEN = "Bearer second-token-0123456789";

    /** Echoes every byte and answers FIN with FIN: a stand-in for an agent dialing an upstream. */
    private static final BiConsumer<MuxStream, Open> ECHO = (stream, open) -> {
        stream.handler(stream::write);
        stream.endHandler(ignored -> stream.end());
    };

    @Inject
    Vertx vertx;

    @Inject
    RedisAPI redis;

    @Inject
    PortListeners listeners;

    private static TunnelRequest tcp(int port) {
        return new TunnelRequest(TunnelKind.TCP, "", port, false, "127.0.0.1:5432");
    }

    @Test
    void givesAPortFromTheRangeAndCarriesBytesBothWaysOverIpv4AndIpv6() throws Exception {
        TestAgent agent = TestAgent.connect(vertx, GatewayPortResource.port(), TOKEN, "agent-range", List.of(tcp(0)))
                .serving(ECHO);
        TunnelResult result = agent.awaitWelcome().tunnels().getFirst();
        assertThat(result.status()).isEqualTo(TunnelResult.GRANTED);
        int port = result.port();
        assertThat(port).isBetween(TcpRangeResource.first(), TcpRangeResource.last());
        assertThat(result.publicAddress()).isEqualTo("tcp://porthole.test:" + port);
        assertThat(routeExists(port)).isTrue();
        assertThat(exchange("127.0.0.1", port, "hello over v4")).isEqualTo("hello over v4");
        assertThat(exchange("::1", port, "hello over v6")).isEqualTo("hello over v6");
        assertThat(agent.opened).allSatisfy(open -> {
            assertThat(open.tunnel()).isEqualTo("tcp-" + port);
            assertThat(open.request()).isNull();
        });
        agent.close();
    }

    @Test
    void refusesAPortOutsideTheRange() {
        int outside = TcpRangeResource.last() + 1;
        TestAgent agent =
                TestAgent.connect(vertx, GatewayPortResource.port(), TOKEN, "agent-outside", List.of(tcp(outside)));
        TunnelResult result = agent.awaitWelcome().tunnels().getFirst();
        assertThat(result.status()).isEqualTo(TunnelResult.INVALID);
        assertThat(result.message())
                .contains(
                        "outside this gateway's TCP range " + TcpRangeResource.first() + "-" + TcpRangeResource.last());
        assertThat(agent.closeCodeWhenClosed()).isEqualTo(CloseCode.NO_TUNNELS.code());
    }

    @Test
    void aPortHeldByTheSameClientsOtherAgentSaysWhichWhenAndFromWhere() {
        int port = TcpRangeResource.first() + 2;
        TestAgent holder = TestAgent.connect(
                        vertx, GatewayPortResource.port(), TOKEN, "agent-laptop", List.of(tcp(port)))
                .serving(ECHO);
        assertThat(holder.awaitWelcome().tunnels().getFirst().granted()).isTrue();

        TestAgent second =
                TestAgent.connect(vertx, GatewayPortResource.port(), TOKEN, "agent-desktop", List.of(tcp(port)));
        TunnelResult refused = second.awaitWelcome().tunnels().getFirst();
        assertThat(refused.status()).isEqualTo(TunnelResult.CONFLICT);
        assertThat(refused.message())
                .matches(
                        "TCP port " + port + " is held by another agent of yours \\(agent agent-laptop, connected "
                                + "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ from 127\\.0\\.0\\.1(:\\d+)?\\); stop that agent, or leave --port out to get a free one");
        second.close();
        holder.close();
    }

    @Test
    void refusesAPortHeldByAnotherClientAndFreesItWhenTheSessionEnds() {
        int port = TcpRangeResource.first() + 1;
        TestAgent holder = TestAgent.connect(
                        vertx, GatewayPortResource.port(), TOKEN, "agent-holder", List.of(tcp(port)))
                .serving(ECHO);
        assertThat(holder.awaitWelcome().tunnels().getFirst().granted()).isTrue();

        TestAgent other =
                TestAgent.connect(vertx, GatewayPortResource.port(), OTHER_TOKEN, "agent-other", List.of(tcp(port)));
        TunnelResult refused = other.awaitWelcome().tunnels().getFirst();
        assertThat(refused.status()).isEqualTo(TunnelResult.CONFLICT);
        assertThat(refused.message()).contains("TCP port " + port + " is held by another client");

        holder.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> !routeExists(port) && !listeners.isBound(port));
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void refusesAPortThatAnotherProcessUsesOnTheHost() throws Exception {
        int port = TcpRangeResource.first() + 2;
        // Another test's tunnel may have been given this port from the range; its listener closes a moment after its
        // session.
        ServerSocket bound = await().atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(() -> new ServerSocket(port, 1, InetAddress.getByName("0.0.0.0")), Objects::nonNull);
        try (ServerSocket squatter = bound) {
            TestAgent agent =
                    TestAgent.connect(vertx, GatewayPortResource.port(), TOKEN, "agent-squatted", List.of(tcp(port)));
            TunnelResult result = agent.awaitWelcome().tunnels().getFirst();
            assertThat(result.status()).isEqualTo(TunnelResult.CONFLICT);
            assertThat(result.message()).contains("TCP port " + port + " is in use on the gateway host");
            assertThat(routeExists(port)).as("the claim is given back").isFalse();
        }
    }

    @Test
    void theSameAgentTakesItsPortBackWhenItReconnects() throws Exception {
        int port = TcpRangeResource.first() + 3;
        TestAgent first = TestAgent.connect(vertx, GatewayPortResource.port(), TOKEN, "agent-again", List.of(tcp(port)))
                .serving(ECHO);
        assertThat(first.awaitWelcome().tunnels().getFirst().granted()).isTrue();
        TestAgent second = TestAgent.connect(
                        vertx, GatewayPortResource.port(), TOKEN, "agent-again", List.of(tcp(port)))
                .serving(ECHO);
        assertThat(second.awaitWelcome().tunnels().getFirst().granted()).isTrue();
        assertThat(first.closeCodeWhenClosed()).isEqualTo(CloseCode.SESSION_REPLACED.code());
        assertThat(exchange("127.0.0.1", port, "still here")).isEqualTo("still here");
        assertThat(second.opened).isNotEmpty();
        second.close();
    }

    @Test
    void aConnectionWhoseUpstreamRefusesIsBrokenOffAtOnce() throws Exception {
        TestAgent agent = TestAgent.connect(vertx, GatewayPortResource.port(), TOKEN, "agent-refusing", List.of(tcp(0)))
                .serving(
                        (stream, open) -> stream.reset(ResetCode.UPSTREAM_REFUSED, "cannot connect to 127.0.0.1:5432"));
        int port = agent.awaitWelcome().tunnels().getFirst().port();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            long start = System.nanoTime();
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
        agent.close();
    }

    @Test
    void aPrivateTunnelIsDialedThroughTheGatewayAndPublishesNoPort() throws Exception {
        TestAgent publisher = TestAgent.connect(
                        vertx,
                        GatewayPortResource.port(),
                        TOKEN,
                        "agent-private",
                        List.of(new TunnelRequest(TunnelKind.TCP, "db", 0, true, "127.0.0.1:5432")))
                .serving(ECHO);
        TunnelResult result = publisher.awaitWelcome().tunnels().getFirst();
        assertThat(result.granted()).isTrue();
        assertThat(result.publicAddress()).isEmpty();
        assertThat(result.port()).isZero();
        assertThat(redis.exists(List.of("porthole:route:private:{db}"))
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(5, TimeUnit.SECONDS)
                        .toInteger())
                .isEqualTo(1);

        TestAgent dialer = TestAgent.connect(vertx, GatewayPortResource.port(), OTHER_TOKEN, "agent-dialer", List.of());
        assertThat(dialer.awaitWelcome().tunnels()).isEmpty();
        MuxStream stream = dialer.dial("db");
        StringBuilder received = new StringBuilder();
        java.util.concurrent.CompletableFuture<String> ended = new java.util.concurrent.CompletableFuture<>();
        stream.handler(data -> received.append(data.toString(StandardCharsets.UTF_8)));
        stream.endHandler(ignored -> ended.complete(received.toString()));
        stream.end(io.vertx.core.buffer.Buffer.buffer("through the gateway"));
        assertThat(ended.get(5, TimeUnit.SECONDS)).isEqualTo("through the gateway");

        MuxStream unknown = dialer.dial("nobody");
        java.util.concurrent.CompletableFuture<Throwable> reset = new java.util.concurrent.CompletableFuture<>();
        unknown.exceptionHandler(reset::complete);
        assertThat(reset.get(5, TimeUnit.SECONDS)).hasMessageContaining("no agent publishes private tunnel 'nobody'");
        dialer.close();
        publisher.close();
    }

    private boolean routeExists(int port) throws Exception {
        return redis.exists(List.of("porthole:route:tcp:{tcp:" + port + "}"))
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(5, TimeUnit.SECONDS)
                        .toInteger()
                == 1;
    }

    /** Sends a message, half-closes, and reads the answer to its end. */
    static String exchange(String host, int port, String message) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
