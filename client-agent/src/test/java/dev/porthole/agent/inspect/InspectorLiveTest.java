package dev.porthole.agent.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.message.HttpResponseHead;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The request list's live feed over the inspector's WebSocket: rows pushed as they happen, a bound per page, foreign pages refused. */
class InspectorLiveTest {

    private static final UpstreamAddress UPSTREAM = new UpstreamAddress("127.0.0.1", 9);

    private Vertx vertx;
    private ExchangeStore store;
    private InspectorServer server;
    private WebSocketClient client;
    private int port;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        store = new ExchangeStore(100_000, 1L << 30, 1024, Clock.systemUTC());
        server = new InspectorServer(
                vertx, store, new Replayer(vertx, store, Duration.ofSeconds(5)), new InspectorPages(), true);
        port = server.listen("127.0.0.1", 0)
                .toCompletionStage()
                .toCompletableFuture()
                .get()
                .actualPort();
        client = vertx.createWebSocketClient();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    /**
     * Opens the feed; its messages go to {@code messages} from the first one on. It connects from an
     * event loop, so that the handler is in place as the connection completes: from the test's
     * thread, the success callback ran one task later, and on a loaded machine the list the server
     * sends at once could arrive first and be dropped (one run in about fifty).
     */
    private WebSocket connect(String query, String origin, List<JsonObject> messages) throws Exception {
        WebSocketConnectOptions options =
                new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/live" + query);
        if (origin != null) {
            options.addHeader("Origin", origin);
        } else {
            options.setAllowOriginHeader(false);
        }
        Promise<WebSocket> connected = Promise.promise();
        vertx.getOrCreateContext()
                .runOnContext(ignored -> client.connect(options)
                        .onSuccess(socket -> socket.textMessageHandler(text -> messages.add(new JsonObject(text))))
                        .onComplete(connected));
        return connected.future().toCompletionStage().toCompletableFuture().get();
    }

    private CapturedExchange request(String uri, int status) {
        CapturedExchange exchange =
                store.record("web", UPSTREAM, new HttpRequestHead("GET", uri, List.of()), new BodyCapture(16), null);
        if (status > 0) {
            exchange.responseHead(new HttpResponseHead(status, "", List.of()));
            exchange.completed();
        }
        return exchange;
    }

    @Test
    void sendsTheListThenEachRowAsItStartsAndEnds() throws Exception {
        request("/before", 200);
        List<JsonObject> messages = new CopyOnWriteArrayList<>();
        connect("?path=", "http://127.0.0.1:" + port, messages);
        await().atMost(Duration.ofSeconds(5)).until(() -> !messages.isEmpty());
        assertThat(messages.getFirst().getString("rows")).contains("/before");

        CapturedExchange live = request("/live-one", 0);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> messages.stream().anyMatch(m -> m.getLong("id", -1L) == live.id()));
        assertThat(messages.getLast().getString("row"))
                .contains("id=\"request-" + live.id() + "\"")
                .contains("class=\"pending\"");
        live.responseHead(new HttpResponseHead(201, "Created", List.of()));
        live.completed();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> messages.getLast().getString("row", "").contains(">201<"));
    }

    @Test
    void followsThePagesFilter() throws Exception {
        List<JsonObject> messages = new CopyOnWriteArrayList<>();
        connect("?status=4xx&path=api", "http://127.0.0.1:" + port, messages);
        await().atMost(Duration.ofSeconds(5)).until(() -> !messages.isEmpty());
        request("/api/ok", 200);
        CapturedExchange missing = request("/api/missing", 404);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> messages.stream().anyMatch(m -> m.getLong("id", -1L) == missing.id()));
        assertThat(messages).noneMatch(m -> m.getString("row", "").contains("/api/ok"));
    }

    @Test
    void aClearSendsTheEmptyList() throws Exception {
        request("/old", 200);
        List<JsonObject> messages = new CopyOnWriteArrayList<>();
        connect("", "http://127.0.0.1:" + port, messages);
        await().atMost(Duration.ofSeconds(5)).until(() -> !messages.isEmpty());
        store.clear();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> messages.size() >= 2
                        && messages.getLast().getString("rows", "").contains("No requests yet"));
        assertThat(store.size()).isZero();
    }

    @Test
    void refusesAForeignPageOrNoOrigin() {
        List<JsonObject> messages = new CopyOnWriteArrayList<>();
        assertThatThrownBy(() -> connect("", "https://evil.example", messages))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(UpgradeRejectedException.class)
                .hasMessageContaining("403");
        assertThatThrownBy(() -> connect("", "http://localhost:" + port, messages))
                .as("another name for this host is another origin")
                .cause()
                .isInstanceOf(UpgradeRejectedException.class)
                .hasMessageContaining("403");
        assertThatThrownBy(() -> connect("", null, messages))
                .cause()
                .isInstanceOf(UpgradeRejectedException.class)
                .hasMessageContaining("403");
        assertThat(server.liveFeeds()).isEmpty();
    }

    @Test
    void aStalledPageCostsAtMostTheBoundAndIsToldWhatItMissed() throws Exception {
        List<JsonObject> messages = new CopyOnWriteArrayList<>();
        WebSocket stalled = connect("", "http://127.0.0.1:" + port, messages);
        stalled.pause();
        String longPath = "/" + "x".repeat(8 * 1024);
        LiveFeed feed = server.liveFeeds().iterator().next();
        // Far more than the socket buffers hold: the feed must stop writing and start counting.
        for (int i = 0; i < 3_000 && feed.missedTotal() == 0; i++) {
            request(longPath + "?n=" + i, 200);
            assertThat(feed.pending()).isLessThanOrEqualTo(LiveFeed.MAX_PENDING);
        }
        assertThat(feed.missedTotal())
                .as("changes dropped once %d were waiting", LiveFeed.MAX_PENDING)
                .isPositive();
        assertThat(feed.pending()).isLessThanOrEqualTo(LiveFeed.MAX_PENDING);

        stalled.resume();
        await().atMost(Duration.ofSeconds(30)).until(() -> messages.stream().anyMatch(m -> m.containsKey("missed")));
        assertThat(messages.stream()
                        .filter(m -> m.containsKey("missed"))
                        .mapToLong(m -> m.getLong("missed"))
                        .sum())
                .isEqualTo(feed.missedTotal());
    }
}
