package dev.porthole.agent.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.message.HttpResponseHead;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExchangeStoreTest {

    private static final UpstreamAddress UPSTREAM = new UpstreamAddress("127.0.0.1", 3000);

    private static CapturedExchange request(ExchangeStore store, String uri) {
        return store.record(
                "t",
                UPSTREAM,
                new HttpRequestHead("GET", uri, List.of(new Header("Host", "x"))),
                new BodyCapture(store.bodyCap()),
                null);
    }

    private static void answer(CapturedExchange exchange, int status, int bodyBytes) {
        exchange.responseHead(new HttpResponseHead(status, "", List.of()));
        exchange.responseBody(Buffer.buffer(new byte[bodyBytes]));
        exchange.completed();
    }

    private static List<String> uris(ExchangeStore store) {
        return store.newestFirst(ExchangeFilter.ALL, 100).stream()
                .map(e -> e.request().uri())
                .toList();
    }

    @Test
    void keepsOnlyTheLastNRequestsNewestFirst() {
        ExchangeStore store = new ExchangeStore(3, 1_000_000, 1024, Clock.systemUTC());
        for (int i = 1; i <= 5; i++) {
            answer(request(store, "/" + i), 200, 10);
        }
        assertThat(uris(store)).containsExactly("/5", "/4", "/3");
        assertThat(store.size()).isEqualTo(3);
        assertThat(store.evicted()).isEqualTo(2);
        assertThat(store.find(1)).isEmpty();
        assertThat(store.find(3).map(e -> e.request().uri())).contains("/3");
        assertThat(store.find(5).map(e -> e.request().uri())).contains("/5");
        assertThat(store.find(6)).as("not yet recorded").isEmpty();
    }

    @Test
    void aClearedExchangeIsNeitherFoundNorChargedWhenItEnds() {
        ExchangeStore store = new ExchangeStore(10, 1_000_000, 1024, Clock.systemUTC());
        CapturedExchange inProgress = request(store, "/slow");
        store.clear();
        answer(inProgress, 200, 500);
        assertThat(store.find(inProgress.id())).isEmpty();
        assertThat(store.bytes()).isZero();
        answer(request(store, "/after"), 200, 10);
        assertThat(uris(store)).containsExactly("/after");
    }

    @Test
    void dropsTheOldestWhenTheByteBudgetIsPassed() {
        ExchangeStore store = new ExchangeStore(100, 10_000, 4096, Clock.systemUTC());
        for (int i = 1; i <= 5; i++) {
            answer(request(store, "/" + i), 200, 3000);
        }
        // Each exchange keeps about 3.3 KB: three fit in 10,000 bytes, not four.
        assertThat(uris(store)).containsExactly("/5", "/4", "/3");
        assertThat(store.bytes()).isLessThanOrEqualTo(10_000);
    }

    @Test
    void chargesBodiesOnlyUpToTheCap() {
        ExchangeStore store = new ExchangeStore(100, 1_000_000, 100, Clock.systemUTC());
        CapturedExchange exchange = request(store, "/big");
        answer(exchange, 200, 5_000_000);
        assertThat(exchange.responseBody().totalBytes()).isEqualTo(5_000_000);
        assertThat(store.bytes()).isLessThan(1_000);
    }

    @Test
    void anExchangeDroppedWhileInProgressIsNotChargedWhenItEnds() {
        ExchangeStore store = new ExchangeStore(1, 1_000_000, 1024, Clock.systemUTC());
        CapturedExchange first = request(store, "/slow");
        answer(request(store, "/fast"), 200, 10);
        long bytes = store.bytes();
        answer(first, 200, 500);
        assertThat(uris(store)).containsExactly("/fast");
        assertThat(store.bytes()).isEqualTo(bytes);
    }

    @Test
    void filtersByStatusClassAndPath() {
        ExchangeStore store = new ExchangeStore(10, 1_000_000, 1024, Clock.systemUTC());
        answer(request(store, "/hook/a"), 200, 1);
        answer(request(store, "/hook/b"), 404, 1);
        answer(request(store, "/other"), 404, 1);
        request(store, "/pending");
        assertThat(store.newestFirst(ExchangeFilter.parse("4xx", ""), 10))
                .extracting(e -> e.request().uri())
                .containsExactly("/other", "/hook/b");
        assertThat(store.newestFirst(ExchangeFilter.parse("4xx", "hook"), 10))
                .extracting(e -> e.request().uri())
                .containsExactly("/hook/b");
        assertThat(store.newestFirst(ExchangeFilter.parse("", "/hook"), 10))
                .extracting(e -> e.request().uri())
                .containsExactly("/hook/b", "/hook/a");
        assertThat(store.newestFirst(ExchangeFilter.ALL, 2)).hasSize(2);
    }

    @Test
    void refusesAStatusFilterThatIsNotAClass() {
        assertThatThrownBy(() -> ExchangeFilter.parse("200", ""))
                .hasMessage("status filter '200' must be one of 2xx, 3xx, 4xx, 5xx");
        assertThatThrownBy(() -> ExchangeFilter.parse("6xx", "")).hasMessageContaining("2xx, 3xx, 4xx, 5xx");
    }

    @Test
    void aFailureKeepsTheStatusTheVisitorSawAndWhy() {
        ExchangeStore store = new ExchangeStore(10, 1_000_000, 1024, Clock.systemUTC());
        CapturedExchange exchange = request(store, "/down");
        exchange.failed(502, "connection refused");
        exchange.completed();
        assertThat(exchange.state()).isEqualTo(CapturedExchange.State.FAILED);
        assertThat(exchange.status()).isEqualTo(502);
        assertThat(exchange.error()).isEqualTo("connection refused");
    }
}
