package dev.porthole.agent.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.message.Capabilities;
import dev.porthole.protocol.message.ConnectionMessage;
import dev.porthole.protocol.message.GoAway;
import dev.porthole.protocol.message.Hello;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.protocol.message.Welcome;
import dev.porthole.protocol.mux.MuxListener;
import dev.porthole.protocol.mux.MuxSession;
import dev.porthole.protocol.mux.MuxSettings;
import dev.porthole.protocol.mux.MuxStream;
import io.vertx.core.Vertx;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An agent with {@code --ha} against a stand-in gateway that says in WELCOME which instance each
 * connection reached: the second connection must end up on another instance than the first, ask
 * for the HTTP tunnels only and by the names the first got, and settle for one connection, saying
 * so once, when only one instance answers.
 */
class HaLinksTest {

    private final Vertx vertx = Vertx.vertx();
    private final List<Accepted> accepted = new CopyOnWriteArrayList<>();
    private final List<String> logLines = new CopyOnWriteArrayList<>();
    private final Logger clientLog = Logger.getLogger(TunnelClient.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = record.getMessage();
            try {
                message = String.format(message, nullSafe(record.getParameters()));
            } catch (RuntimeException e) {
                // Not a printf-style message: keep it as it is.
            }
            logLines.add(message);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private TunnelClient client;

    /** One connection the stand-in gateway accepted: its HELLO, the instance WELCOME named, whether the agent sent GOAWAY. */
    private record Accepted(Hello hello, String instance, List<GoAway> goAways, MuxSession mux) {}

    @AfterEach
    void stop() throws Exception {
        clientLog.removeHandler(capture);
        if (client != null) {
            client.stop();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theSecondConnectionThatLandsOnTheFirstsInstanceIsGivenUpAndTriedAgain() throws Exception {
        List<String> instances = List.of("gw-a", "gw-a", "gw-a", "gw-b");
        start(i -> i < instances.size() ? instances.get(i) : "gw-c", true);

        await().atMost(Duration.ofSeconds(30)).until(() -> client.instances().equals(List.of("gw-a", "gw-b")));
        assertThat(accepted.get(1).goAways())
                .as("the second landing on gw-a is given up")
                .hasSize(1);
        assertThat(accepted.get(2).goAways()).as("so is the third").hasSize(1);
        assertThat(accepted.get(3).goAways()).isEmpty();
        assertThat(accepted.get(0).hello().capabilities()).contains(Capabilities.HA);
        assertThat(accepted.get(0).hello().tunnels())
                .extracting(TunnelRequest::kind)
                .containsExactly(TunnelKind.HTTP, TunnelKind.TCP);
        Hello second = accepted.get(3).hello();
        assertThat(second.capabilities()).contains(Capabilities.HA);
        assertThat(second.tunnels())
                .as("HTTP only, by the name the first connection was given")
                .extracting(TunnelRequest::name)
                .containsExactly("granted-0");
        assertThat(second.agentId()).isEqualTo(accepted.get(0).hello().agentId());
    }

    @Test
    void withOneInstanceTheAgentRunsOneConnectionSaysSoOnceAndStopsTrying() throws Exception {
        clientLog.addHandler(capture);
        start(i -> "only", true);

        int attempts = 1 + TunnelClient.SAME_INSTANCE_LIMIT;
        await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= attempts);
        // Then it waits (PARKED_RETRY) instead of costing the gateway a session every few seconds.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> accepted.size() == attempts);
        assertThat(client.instances()).containsExactly("only", "");
        assertThat(accepted.subList(1, accepted.size()))
                .allSatisfy(a -> assertThat(a.goAways()).hasSize(1));
        assertThat(logLines.stream().filter(line -> line.contains("only one gateway instance (only) is reachable")))
                .hasSize(1);

        // The first connection reconnects (a gateway restart, perhaps with more instances now): the second tries again.
        accepted.getFirst().mux().close(CloseCode.TRY_AGAIN_LATER, "restarting");
        int again = attempts + 1 + TunnelClient.SAME_INSTANCE_LIMIT;
        await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= again);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> accepted.size() == again);
        assertThat(logLines.stream().filter(line -> line.contains("only one gateway instance (only) is reachable")))
                .hasSize(1);
    }

    @Test
    void aGatewayWithoutHaGetsOneConnection() throws Exception {
        clientLog.addHandler(capture);
        start(i -> "", false);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> logLines.stream().anyMatch(line -> line.contains("does not support HA")));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> accepted.size() == 1);
    }

    /**
     * Starts the stand-in gateway, naming instance {@code instanceOf(n)} to the n-th connection
     * ({@code ha}: whether it supports HA), and an agent with {@code --ha}, an HTTP tunnel with a
     * random name and a TCP tunnel.
     */
    private void start(IntFunction<String> instanceOf, boolean ha) throws Exception {
        int port = WelcomingGateway.listen(vertx, mux -> new StandIn(mux, instanceOf, ha));
        AgentSettings settings = AgentSettings.of(URI.create("http://127.0.0.1:" + port), "agent-ha", draft -> {
            draft.tunnels = List.of(
                    new TunnelSpec(TunnelKind.HTTP, "", 0, false, new UpstreamAddress("127.0.0.1", 1)),
                    new TunnelSpec(TunnelKind.TCP, "", 0, false, new UpstreamAddress("127.0.0.1", 2)));
            draft.upstreamTimeout = Duration.ofSeconds(5);
            draft.maxUpstreamConnections = 1;
            draft.maxReconnectDelay = Duration.ofMillis(50);
            draft.ha = true;
        });
        client = new TunnelClient(
                vertx,
                settings,
                (stream, open, tunnel) -> stream.reset(ResetCode.NO_SUCH_TUNNEL, "not in this test"),
                TunnelListener.SILENT,
                new Backoff(
                        Duration.ofMillis(10),
                        Duration.ofMillis(50),
                        Duration.ofSeconds(30),
                        new SecureRandom(),
                        Clock.systemUTC()),
                "test");
        client.start();
    }

    /** Grants every tunnel (a random name becomes {@code granted-<i>}) and names the instance the test chose. */
    private final class StandIn implements MuxListener {
        private final MuxSession mux;
        private final IntFunction<String> instanceOf;
        private final boolean ha;
        private Accepted connection;

        StandIn(MuxSession mux, IntFunction<String> instanceOf, boolean ha) {
            this.mux = mux;
            this.instanceOf = instanceOf;
            this.ha = ha;
        }

        @Override
        public void onMessage(ConnectionMessage message) {
            switch (message) {
                case Hello hello -> {
                    WelcomingGateway.takeLimits(mux, hello);
                    String instance;
                    synchronized (accepted) {
                        instance = instanceOf.apply(accepted.size());
                        connection =
                                new Accepted(hello, instance, Collections.synchronizedList(new ArrayList<>()), mux);
                        accepted.add(connection);
                    }
                    List<TunnelResult> results = WelcomingGateway.grantAll(hello);
                    mux.send(new Welcome(
                            ha ? 2 : 1,
                            "s-" + accepted.size(),
                            ha ? Set.of(Capabilities.HA) : Set.of(),
                            MuxSettings.DEFAULT_INITIAL_WINDOW,
                            65536,
                            results,
                            instance));
                }
                case GoAway goAway -> {
                    connection.goAways().add(goAway);
                    mux.close(CloseCode.NORMAL, "agent is going away");
                }
                default -> {}
            }
        }

        @Override
        public void onOpen(MuxStream stream, Open open) {
            stream.reset(ResetCode.FORBIDDEN, "not in this test");
        }

        @Override
        public void onClosed(int code, String reason) {}
    }

    private static Object[] nullSafe(Object[] parameters) {
        return parameters == null ? new Object[0] : parameters;
    }
}
