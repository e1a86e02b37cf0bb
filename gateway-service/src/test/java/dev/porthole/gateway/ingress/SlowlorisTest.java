package dev.porthole.gateway.ingress;

import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.gateway.support.Upstreams;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Slow-loris visitors: connections that trickle a request head byte by byte, or send nothing more
 * after a response, are closed once the request-head timeout passes, however often a byte arrives,
 * while ordinary visitors and agent connections go on being served.
 */
@QuarkusTest
@TestProfile(SlowlorisTest.ShortHeadTimeout.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class SlowlorisTest {

    private static final Duration HEAD_TIMEOUT = Duration.ofMillis(1500);

    /** The head timeout short enough to watch; the idle timeout far longer, so that it cannot be what closes. */
    public static final class ShortHeadTimeout extends GatewayTestProfiles.Overrides {
        public ShortHeadTimeout() {
            super("""
                    porthole.gateway.http.request-head-timeout=%dms
                    porthole.gateway.http.idle-timeout=5m
                    """.formatted(HEAD_TIMEOUT.toMillis()));
        }
    }

    @Inject
    Vertx vertx;

    private TestAgent agent;
    private final ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void connect() {
        agent = TestAgent.connectHttp(vertx, TOKEN, "agent-loris", "loris");
        assertThat(agent.awaitWelcome().tunnels().getFirst().granted()).isTrue();
        agent.serving(Upstreams.respond(200, "served"));
    }

    @AfterEach
    void disconnect() throws IOException {
        trickler.shutdownNow();
        for (Socket socket : sockets) {
            socket.close();
        }
        TestAgent.closeAndAwait(agent);
    }

    private static String host() {
        return "loris.porthole.test:" + GatewayPortResource.port();
    }

    /** A raw connection whose future completes with the time the gateway closed it (EOF or reset). */
    private record Watched(Socket socket, CompletableFuture<Long> closedAt, ByteArrayOutputStream received) {}

    private Watched open() throws IOException {
        Socket socket = new Socket("127.0.0.1", GatewayPortResource.port());
        sockets.add(socket);
        CompletableFuture<Long> closedAt = new CompletableFuture<>();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        Thread.ofPlatform().daemon().start(() -> {
            byte[] buffer = new byte[4096];
            try (InputStream in = socket.getInputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    synchronized (received) {
                        received.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // A reset or our own close: the connection is gone either way.
            }
            closedAt.complete(System.nanoTime());
        });
        return new Watched(socket, closedAt, received);
    }

    /** Writes {@code text} one byte every {@code everyMillis}, forever repeating the last byte once it ran out. */
    private void trickle(Socket socket, String text, long everyMillis) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        int[] next = {0};
        trickler.scheduleAtFixedRate(
                () -> {
                    try {
                        socket.getOutputStream().write(bytes[Math.min(next[0]++, bytes.length - 1)]);
                    } catch (IOException e) {
                        throw new IllegalStateException("closed", e); // stops this task
                    }
                },
                0,
                everyMillis,
                TimeUnit.MILLISECONDS);
    }

    private int served() {
        try (Socket socket = new Socket("127.0.0.1", GatewayPortResource.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream()
                    .write(("GET /ok HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            return answer.startsWith("HTTP/1.1 200") && answer.endsWith("served") ? 200 : -1;
        } catch (IOException e) {
            throw new AssertionError("an ordinary visitor was not served: " + e, e);
        }
    }

    @Test
    void headsTrickledByteByByteAreCutAfterTheHeadTimeoutWhileOthersAreServed() throws Exception {
        String head = "GET /slow HTTP/1.1\r\nHost: " + host() + "\r\n" + "X-Filler: " + "f".repeat(200) + "\r\n";
        long start = System.nanoTime();
        List<Watched> loris = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Watched watched = open();
            loris.add(watched);
            trickle(watched.socket(), head, 100); // ten bytes a second: never idle, never a complete head
        }
        Watched silent = open(); // connects and sends nothing at all

        assertThat(served()).as("served while the slow connections hang").isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> loris.stream().allMatch(w -> w.closedAt().isDone()));
        await().atMost(Duration.ofSeconds(10)).until(() -> silent.closedAt().isDone());

        for (Watched watched : loris) {
            long afterMillis = TimeUnit.NANOSECONDS.toMillis(watched.closedAt().join() - start);
            assertThat(afterMillis)
                    .as("closed by the head deadline, not before it")
                    .isGreaterThanOrEqualTo(HEAD_TIMEOUT.toMillis() - 100);
            assertThat(watched.received().size())
                    .as("no answer was started for a head that never completed")
                    .isZero();
        }
        assertThat(agent.opened)
                .as("only the ordinary visitor reached the agent")
                .allMatch(open -> open.request().uri().equals("/ok"));
        assertThat(served())
                .as("the agent connection outlived the head timeout")
                .isEqualTo(200);
    }

    @Test
    void aKeptAliveConnectionThatSendsNoNextRequestIsClosed() throws Exception {
        Watched watched = open();
        send(watched, "GET /first HTTP/1.1\r\nHost: " + host() + "\r\n\r\n");
        long sent = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            synchronized (watched.received()) {
                return watched.received().toString(StandardCharsets.ISO_8859_1).endsWith("served");
            }
        });
        assertThat(watched.closedAt()).as("kept alive after the response").isNotDone();

        trickle(watched.socket(), "G", 200); // the next head starts, one byte every 200 ms, and never ends
        await().atMost(Duration.ofSeconds(10)).until(() -> watched.closedAt().isDone());
        assertThat(TimeUnit.NANOSECONDS.toMillis(watched.closedAt().join() - sent))
                .isGreaterThanOrEqualTo(HEAD_TIMEOUT.toMillis() - 100);
        assertThat(agent.opened).hasSize(1);
    }

    /**
     * A request that names an upgrade but is answered without one (here a 404: no such tunnel) leaves
     * the connection an HTTP/1.1 one: every later head on it is under the deadline as any other's.
     * Otherwise an Upgrade header on a first request was a way past the deadline, to a slow-loris
     * connection that only the idle timeout (reset by every byte) would close.
     */
    @Test
    void anUpgradeAnsweredWithoutOneLeavesTheConnectionUnderTheDeadline() throws Exception {
        Watched watched = open();
        String unknown = "Host: nobody.porthole.test:" + GatewayPortResource.port() + "\r\n";
        send(watched, "GET /first HTTP/1.1\r\n" + unknown + "Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        awaitAnswers(watched, 1);

        // A client that goes on asking, a whole request every 300 ms for twice the head timeout: never cut.
        int more = (int) (2 * HEAD_TIMEOUT.toMillis() / 300) + 1;
        int[] sent = {0};
        ScheduledFuture<?> asking = trickler.scheduleAtFixedRate(
                () -> {
                    if (sent[0]++ < more) {
                        try {
                            send(watched, "GET /next HTTP/1.1\r\n" + unknown + "\r\n");
                        } catch (IOException e) {
                            throw new IllegalStateException("closed", e); // stops this task
                        }
                    }
                },
                300,
                300,
                TimeUnit.MILLISECONDS);
        awaitAnswers(watched, 1 + more);
        asking.cancel(false);
        long answered = System.nanoTime();
        assertThat(watched.closedAt()).as("kept alive while it asks").isNotDone();

        trickle(watched.socket(), "G", 200); // the next head starts, one byte every 200 ms, and never ends
        await().atMost(Duration.ofSeconds(10)).until(() -> watched.closedAt().isDone());
        assertThat(TimeUnit.NANOSECONDS.toMillis(watched.closedAt().join() - answered))
                .isGreaterThanOrEqualTo(HEAD_TIMEOUT.toMillis() - 200);
    }

    private static void send(Watched watched, String text) throws IOException {
        watched.socket().getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Waits until {@code count} complete "tunnel not found" answers have arrived. */
    private static void awaitAnswers(Watched watched, int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            String received;
            synchronized (watched.received()) {
                received = watched.received().toString(StandardCharsets.ISO_8859_1);
            }
            return received.split("--subdomain nobody", -1).length - 1 == count;
        });
    }

    @Test
    void aSlowButCompleteHeadWithinTheTimeoutIsServed() throws Exception {
        Watched watched = open();
        trickle(watched.socket(), "GET /a HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n\r\n", 10);
        await().atMost(Duration.ofSeconds(5)).until(() -> watched.closedAt().isDone());
        assertThat(watched.received().toString(StandardCharsets.ISO_8859_1))
                .startsWith("HTTP/1.1 200")
                .endsWith("served");
    }
}
