package dev.porthole.notification.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.notification.message.Message;
import dev.porthole.notification.message.MessageFormat;
import dev.porthole.protocol.event.Severity;
import dev.porthole.testing.RedisTestResource;
import dev.porthole.testing.WebhookReceiver;
import dev.porthole.testing.WebhookReceiver.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The HTTP client keeps at most 64 KiB of an answer, and turns failures into verdicts without the URI. */
@QuarkusTest
@QuarkusTestResource(RedisTestResource.class)
class WebhookClientTest {

    @Inject
    WebhookClient client;

    private final WebhookReceiver receiver = WebhookReceiver.shared();

    /** Records what the client hands over. */
    private static final class Recording implements NotificationProvider {
        final AtomicReference<WebhookResponse> seen = new AtomicReference<>();

        @Override
        public ProviderKind kind() {
            return ProviderKind.SLACK;
        }

        @Override
        public WebhookRequest request(Webhook webhook, Message message) {
            return new WebhookRequest(URI.create(webhook.url()), "{}".getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public Verdict verdict(WebhookResponse response) {
            seen.set(response);
            return Verdict.delivered();
        }
    }

    @Test
    void keepsNoMoreThanSixtyFourKilobytesOfAnAnswer() throws Exception {
        String path = "/client/huge-answer";
        receiver.reply(path, Reply.text(200, "x".repeat(300_000)));
        Recording provider = new Recording();

        Verdict verdict = client.send(
                        provider,
                        provider.request(
                                new Webhook(receiver.url(path), Optional.empty(), MessageFormat.TEXT),
                                new Message(Severity.INFO, "t", "x", List.of())))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);

        assertThat(verdict).isInstanceOf(Verdict.Delivered.class);
        assertThat(provider.seen.get().body()).hasSize(WebhookClient.MAX_ANSWER_BYTES);
    }

    @Test
    void readsEveryAnswerOfManyQuickRequestsOnKeptAliveConnections() throws Exception {
        // Requests come from several threads (the delivery loop, admin API workers) and share pooled
        // connections. A short answer once ended before its handlers were attached when the request
        // was started from another event loop than its connection's, which turned a delivered message
        // into a retry and so a duplicate.
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try (OneWriteServer server = new OneWriteServer()) {
            Recording provider = new Recording();
            WebhookRequest request = provider.request(
                    new Webhook("http://127.0.0.1:" + server.port() + "/hook", Optional.empty(), MessageFormat.TEXT),
                    new Message(Severity.INFO, "t", "x", List.of()));

            for (int i = 0; i < 1000; i++) {
                Verdict verdict = callers.submit(() -> client.send(provider, request))
                        .get()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
                assertThat(verdict).as("request %d: %s", i, verdict).isInstanceOf(Verdict.Delivered.class);
                assertThat(provider.seen.get().body()).isEqualTo("ok");
            }
            assertThat(server.requests.get()).isEqualTo(1000);
        } finally {
            callers.shutdownNow();
        }
    }

    /** A keep-alive HTTP/1.1 server that writes each whole answer at once, as nginx and most services do. */
    private static final class OneWriteServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final AtomicInteger requests = new AtomicInteger();
        private final Thread acceptor = Thread.ofPlatform().daemon(true).start(this::accept);

        OneWriteServer() throws IOException {}

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    connection.setTcpNoDelay(true);
                    Thread.ofPlatform().daemon(true).start(() -> serve(connection));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket connection) {
            try (connection) {
                BufferedInputStream in = new BufferedInputStream(connection.getInputStream());
                OutputStream out = connection.getOutputStream();
                while (true) {
                    int length = 0;
                    String line;
                    while (!(line = readLine(in)).isEmpty()) {
                        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                            length = Integer.parseInt(line.substring(15).trim());
                        }
                    }
                    in.readNBytes(length);
                    requests.incrementAndGet();
                    out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException | RuntimeException e) {
                // The client closed the connection.
            }
        }

        private static String readLine(BufferedInputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("closed");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void reportsARefusedConnectionAsRetryableWithoutTheUri() throws Exception {
        Recording provider = new Recording();

        Verdict verdict = client.send(
                        provider,
                        new WebhookRequest(URI.create("http://127.0.0.1:1/hook/SECRETKEY?key=SECRETKEY"), new byte[0]))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);

        assertThat(verdict).isInstanceOfSatisfying(Verdict.Retry.class, r -> {
            assertThat(r.reason()).isEqualTo("connection refused or failed");
            assertThat(r.rateLimited()).isFalse();
        });
        assertThat(provider.seen.get()).isNull();
    }
}
