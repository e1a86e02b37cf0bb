package dev.porthole.gateway.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.impl.ContextInternal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request-head deadline on its own, on a plain Vert.x server on one event loop: one pending
 * check per connection that a kept-alive connection re-arms without a timer per request, brought
 * forward when a drain's grace ends sooner, and never closing a connection with a request in flight.
 */
class RequestHeadDeadlineTest {

    /** Far longer than any wait below: whatever closes a connection sooner, it is not this timeout. */
    private static final Duration LONG = Duration.ofSeconds(30);

    private final Vertx vertx = Vertx.vertx();
    private final AtomicInteger visitors = new AtomicInteger();
    private Context context;
    private RequestHeadDeadline deadline;
    private int port;

    @BeforeEach
    void start() {
        context = vertx.getOrCreateContext();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A server whose requests to /slow are answered only after {@code slowMillis}. */
    private void serve(Duration headTimeout, long slowMillis) throws Exception {
        CompletableFuture<HttpServer> listening = new CompletableFuture<>();
        context.runOnContext(ignored -> {
            deadline =
                    new RequestHeadDeadline(((ContextInternal) context).nettyEventLoop(), headTimeout, LONG, visitors);
            vertx.createHttpServer()
                    .connectionHandler(deadline::opened)
                    .requestHandler(request -> {
                        deadline.requestArrived(request);
                        if (request.path().equals("/slow")) {
                            vertx.setTimer(slowMillis, id -> request.response().end("slow\n"));
                        } else {
                            request.response().end("ok\n");
                        }
                    })
                    .listen(0, "127.0.0.1")
                    .onComplete(result -> {
                        if (result.succeeded()) {
                            listening.complete(result.result());
                        } else {
                            listening.completeExceptionally(result.cause());
                        }
                    });
        });
        port = listening.get(10, TimeUnit.SECONDS).actualPort();
    }

    @Test
    void aKeptAliveConnectionIsClosedOnceTheTimeoutPassesAfterEachResponse() throws Exception {
        serve(Duration.ofMillis(600), 0);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            // Three requests, each well inside the timeout of the one before: the deadline moves with each response.
            for (int i = 0; i < 3; i++) {
                assertThat(exchange(socket, "/")).contains("ok");
            }
            long answeredAt = System.nanoTime();
            assertThat(awaitClosed(socket, Duration.ofSeconds(10))).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - answeredAt)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> visitors.get() == 0);
    }

    @Test
    void aRequestInFlightPastTheTimeoutKeepsItsConnection() throws Exception {
        serve(Duration.ofMillis(300), 1_200);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            assertThat(exchange(socket, "/slow")).contains("slow");
            // And the clock starts again after that response.
            assertThat(awaitClosed(socket, Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void aDrainClosesAnIdleConnectionAfterItsGraceLongBeforeTheHeadTimeout() throws Exception {
        serve(LONG, 0);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            assertThat(exchange(socket, "/")).contains("ok");
            await().atMost(Duration.ofSeconds(5)).until(() -> visitors.get() == 1);
            long drainedAt = System.nanoTime();
            context.runOnContext(ignored -> deadline.drain(200));
            assertThat(awaitClosed(socket, Duration.ofSeconds(10)))
                    .as("closed after the drain's grace, not after the 30 s head timeout")
                    .isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - drainedAt)).isLessThan(LONG.dividedBy(2));
        }
    }

    /** Sends one request and reads its whole response (they are small and have a Content-Length). */
    private static String exchange(Socket socket, String path) throws IOException {
        socket.getOutputStream()
                .write(("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        socket.setSoTimeout(10_000);
        while (true) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            response.write(b);
            String text = response.toString(StandardCharsets.US_ASCII);
            int headEnd = text.indexOf("\r\n\r\n");
            if (headEnd >= 0) {
                int length = Integer.parseInt(text.replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
                if (response.size() == headEnd + 4 + length) {
                    break;
                }
            }
        }
        return response.toString(StandardCharsets.US_ASCII);
    }

    /** True once the server closed the connection (end of stream), false if it stayed open for {@code within}. */
    private static boolean awaitClosed(Socket socket, Duration within) throws IOException {
        socket.setSoTimeout((int) within.toMillis());
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        }
    }
}
