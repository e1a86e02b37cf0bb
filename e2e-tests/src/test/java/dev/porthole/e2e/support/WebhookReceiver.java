package dev.porthole.e2e.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local HTTP server standing in for a chat service's incoming webhook: it keeps every request
 * body it gets and answers as Slack documents for a message it accepted ({@code 200 ok}).
 */
public final class WebhookReceiver implements AutoCloseable {

    private final HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();

    public WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the webhook receiver", e);
        }
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
                bodies.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                byte[] answer = "ok".getBytes(StandardCharsets.US_ASCII);
                exchange.sendResponseHeaders(200, answer.length);
                out.write(answer);
            }
        });
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Every body received so far, in arrival order. */
    public List<String> bodies() {
        return List.copyOf(bodies);
    }

    /** True once some received body contains the text. */
    public boolean received(String text) {
        return bodies.stream().anyMatch(body -> body.contains(text));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
