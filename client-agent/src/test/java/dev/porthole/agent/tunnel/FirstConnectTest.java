package dev.porthole.agent.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.agent.screen.LiveScreen;
import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.message.Notice;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.protocol.mux.MuxSession;
import dev.porthole.protocol.mux.MuxSettings;
import dev.porthole.protocol.mux.WebSocketTransport;
import dev.porthole.testing.TestCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Until its first handshake the agent takes a failed connect for a mistake in --server: it says
 * what is wrong and what to check, and stops (code 5 after the first-connect window, code 6 at once
 * for TLS spoken to a plain port). Once connected it keeps reconnecting through the same failures.
 */
class FirstConnectTest {

    private static final Duration WINDOW = Duration.ofMillis(500);

    private final Vertx vertx = Vertx.vertx();

    @TempDir
    Path folder;

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anUnknownHostEndsTheAgentNamingTheHost() throws Exception {
        AgentExit exit = run("http://no-such-gateway.invalid:8080", TunnelListener.SILENT);
        assertThat(exit.code()).isEqualTo(AgentExit.UNREACHABLE);
        assertThat(exit.message())
                .contains("cannot resolve the gateway's host 'no-such-gateway.invalid'", "--server", "DNS");
    }

    @Test
    void aPortWhereNothingListensEndsTheAgentNamingThePort() throws Exception {
        int port = closedPort();
        AgentExit exit = run("http://127.0.0.1:" + port, TunnelListener.SILENT);
        assertThat(exit.code()).isEqualTo(AgentExit.UNREACHABLE);
        assertThat(exit.message())
                .contains("nothing accepts connections at 127.0.0.1:" + port, "check the port in --server");
    }

    @Test
    void tlsToAPlainPortEndsTheAgentAtOnceWithTheRightScheme() throws Exception {
        int port = vertx.createHttpServer()
                .requestHandler(request -> request.response().setStatusCode(404).end())
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .actualPort();
        AgentExit exit = run("https://127.0.0.1:" + port, TunnelListener.SILENT);
        assertThat(exit.code()).isEqualTo(AgentExit.CONFIG_ERROR);
        assertThat(exit.message()).contains("does not speak TLS", "--server http://127.0.0.1:" + port);
    }

    @Test
    void plainHttpToATlsPortSuggestsHttps() throws Exception {
        TestCertificates.Leaf leaf =
                TestCertificates.newCa(folder.resolve("ca"), "First Connect CA").leaf("localhost");
        int port = vertx.createHttpServer(new HttpServerOptions()
                        .setSsl(true)
                        .setKeyCertOptions(new PemKeyCertOptions()
                                .setCertPath(leaf.cert().toString())
                                .setKeyPath(leaf.key().toString())))
                .requestHandler(request -> request.response().end())
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .actualPort();
        AgentExit exit = run("http://127.0.0.1:" + port, TunnelListener.SILENT);
        assertThat(exit.code()).isEqualTo(AgentExit.UNREACHABLE);
        assertThat(exit.message()).contains("use --server https://127.0.0.1:" + port);
    }

    @Test
    void anAgentThatConnectedOnceKeepsReconnectingThroughTheSameFailures() throws Exception {
        List<MuxSession> sessions = new CopyOnWriteArrayList<>();
        AtomicBoolean gone = new AtomicBoolean();
        HttpServer gateway = vertx.createHttpServer().webSocketHandler(socket -> {
            if (gone.get()) {
                socket.close((short) CloseCode.TRY_AGAIN_LATER.code(), "test gateway gone");
                return;
            }
            MuxSession mux = new MuxSession(
                    Vertx.currentContext(),
                    new WebSocketTransport(socket),
                    MuxSettings.DEFAULTS,
                    MuxSession.Role.GATEWAY);
            sessions.add(mux);
            mux.listener(new WelcomingGateway(
                    mux, List.of(TunnelResult.granted(TunnelKind.HTTP, "app", 0, "http://app.gateway"))));
            WebSocketTransport.bind(socket, mux);
        });
        int port = gateway.listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .actualPort();
        CompletableFuture<Void> welcomed = new CompletableFuture<>();
        AtomicInteger refusedRetries = new AtomicInteger();
        TunnelListener listener = new TunnelListener() {
            @Override
            public void connected(List<TunnelResult> results, boolean first) {
                welcomed.complete(null);
            }

            @Override
            public void notice(Notice notice) {}

            @Override
            public void retrying(String reason, Duration retryIn) {
                if (reason.contains("nothing accepts connections")) {
                    refusedRetries.incrementAndGet();
                }
            }
        };
        LiveScreen screen = new LiveScreen(
                "test", "agent-first-connect", "http://127.0.0.1:" + port, List.of(), null, Clock.systemUTC());
        TunnelClient client = client("http://127.0.0.1:" + port, listener.andThen(screen));
        CompletableFuture<AgentExit> ended = client.start().toCompletionStage().toCompletableFuture();
        welcomed.get(10, TimeUnit.SECONDS);
        // As a gateway that dies would: the agent is told to try again, and then finds nothing on the port.
        gone.set(true);
        sessions.forEach(session ->
                session.context().runOnContext(v -> session.close(CloseCode.TRY_AGAIN_LATER, "test gateway gone")));
        gateway.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        long closedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> refusedRetries.get() >= 3
                        && Duration.ofNanos(System.nanoTime() - closedAt).compareTo(WINDOW.multipliedBy(3)) > 0);
        assertThat(ended)
                .as("still running, well past the first-connect window")
                .isNotDone();
        assertThat(screen.model().state())
                .as("what the status screen shows")
                .matches("reconnecting \\(attempt \\d+ failed; next in (\\d+ ms|\\d+\\.\\d s)\\)");
        assertThat(screen.model().message()).contains("nothing accepts connections");
        client.stop();
    }

    private AgentExit run(String server, TunnelListener listener) throws Exception {
        return client(server, listener)
                .start()
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    private TunnelClient client(String server, TunnelListener listener) {
        return QuickAgents.client(
                vertx,
                server,
                "agent-first-connect",
                List.of(new TunnelSpec(TunnelKind.HTTP, "app", 0, false, new UpstreamAddress("127.0.0.1", 1))),
                listener,
                draft -> draft.firstConnectWindow = WINDOW);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
