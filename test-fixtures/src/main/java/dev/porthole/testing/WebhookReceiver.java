package dev.porthole.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;

/**
 * A real local HTTP server standing in for DingTalk, Feishu, WeCom and Slack: it records every
 * request byte for byte and answers what the test scripted for the request's path (replies in
 * order, the last one repeating), else its default answer (404, or what {@link #answering} says).
 * notification-service's tests share one per JVM; end-to-end tests start their own.
 */
public final class WebhookReceiver implements AutoCloseable {

    private static WebhookReceiver shared;

    private final HttpServer server;
    private final ExecutorService workers = Executors.newFixedThreadPool(32);
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Reply>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Integer> active = new ConcurrentHashMap<>();
    private final Map<String, Integer> mostActive = new ConcurrentHashMap<>();
    private final Reply unscripted;

    /** The receiver shared by every test in this JVM, started on first use. */
    public static synchronized WebhookReceiver shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "webhook-receiver-stop"));
        }
        return shared;
    }

    /** A receiver that answers 404 on every path the test did not script. */
    public static WebhookReceiver start() {
        return answering(null);
    }

    /** A receiver that answers {@code unscripted} on every path the test did not script (Slack's {@code 200 ok}, say). */
    public static WebhookReceiver answering(Reply unscripted) {
        try {
            return new WebhookReceiver(
                    HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64), unscripted);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the webhook receiver", e);
        }
    }

    private WebhookReceiver(HttpServer server, Reply unscripted) {
        this.server = server;
        this.unscripted = unscripted;
        server.setExecutor(workers);
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>} followed by the path (and query). */
    public String url(String pathAndQuery) {
        return "http://127.0.0.1:" + port() + pathAndQuery;
    }

    /** Scripts the answers for a path: in order, the last one repeating. */
    public void reply(String path, Reply... replies) {
        scripts.put(path, new ArrayDeque<>(List.of(replies)));
    }

    /** Requests received on a path, oldest first. */
    public List<Received> requests(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** Waits (up to ten seconds) until exactly one request arrived on {@code path}, and returns it. */
    public Received awaitOnlyRequest(String path) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> requests(path).size() == 1);
        return requests(path).getFirst();
    }

    /** Every body received so far on any path, in arrival order. */
    public List<String> bodies() {
        return received.stream().map(Received::bodyText).toList();
    }

    /** True once some body received on any path contains the text. */
    public boolean received(String text) {
        return received.stream().anyMatch(r -> r.bodyText().contains(text));
    }

    /** Most requests that were in progress at the same time on a path. */
    public int mostConcurrent(String path) {
        return mostActive.getOrDefault(path, 0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        active.merge(path, 1, Integer::sum);
        mostActive.merge(path, active.get(path), Math::max);
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders()
                    .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
            received.add(new Received(
                    exchange.getRequestMethod(),
                    path,
                    exchange.getRequestURI().getRawQuery(),
                    headers,
                    body,
                    Instant.now()));
            Reply reply = next(path);
            if (!reply.delay().isZero()) {
                // Simulates a slow chat service; the service under test must time out, not wait.
                LockSupport.parkNanos(reply.delay().toNanos());
            }
            byte[] answer = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            exchange.sendResponseHeaders(reply.status(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        } catch (IOException e) {
            // The client gave up (for example after its timeout): nothing to answer.
        } finally {
            active.merge(path, -1, Integer::sum);
        }
    }

    private Reply next(String path) {
        Deque<Reply> script = scripts.get(path);
        if (script == null) {
            return unscripted != null ? unscripted : Reply.text(404, "no script for " + path);
        }
        synchronized (script) {
            return script.size() > 1 ? script.poll() : script.peek();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }

    /**
     * One request as received.
     *
     * @param method HTTP method
     * @param path raw path
     * @param rawQuery raw query, null when none
     * @param headers header values by lowercase name
     * @param body body bytes
     * @param at when it arrived
     */
    public record Received(
            String method, String path, String rawQuery, Map<String, List<String>> headers, byte[] body, Instant at) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.getFirst();
        }

        /** A query parameter's raw (still encoded) value. */
        public String rawQueryParam(String name) {
            if (rawQuery == null) {
                return null;
            }
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).equals(name)) {
                    return pair.substring(eq + 1);
                }
            }
            return null;
        }
    }

    /**
     * A scripted answer.
     *
     * @param status HTTP status
     * @param contentType Content-Type header
     * @param body body text
     * @param headers extra headers
     * @param delay how long to wait before answering
     */
    public record Reply(int status, String contentType, String body, Map<String, String> headers, Duration delay) {
        public static Reply json(int status, String body) {
            return new Reply(status, "application/json", body, Map.of(), Duration.ZERO);
        }

        public static Reply text(int status, String body) {
            return new Reply(status, "text/plain", body, Map.of(), Duration.ZERO);
        }

        public Reply withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Reply(status, contentType, body, more, delay);
        }

        public Reply after(Duration wait) {
            return new Reply(status, contentType, body, headers, wait);
        }
    }
}
