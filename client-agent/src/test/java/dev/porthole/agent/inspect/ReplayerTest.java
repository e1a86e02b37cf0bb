package dev.porthole.agent.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.protocol.message.HttpRequestHead;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReplayerTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    @Test
    void replaysBeyondTheWaitingBoundFailAtOnceInsteadOfQueueing() throws Exception {
        AtomicInteger received = new AtomicInteger();
        // An upstream that takes requests and never answers: every replay holds its connection.
        int port = vertx.createHttpServer()
                .requestHandler(request -> received.incrementAndGet())
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get()
                .actualPort();
        ExchangeStore store = new ExchangeStore(100, 10_000_000, 1024, Clock.systemUTC());
        CapturedExchange original = store.record(
                "t",
                new UpstreamAddress("127.0.0.1", port),
                new HttpRequestHead("GET", "/", List.of()),
                new BodyCapture(1024),
                null);
        original.completed();
        Replayer replayer = new Replayer(vertx, store, Duration.ofSeconds(30));

        List<Future<CapturedExchange>> replays = new ArrayList<>();
        for (int i = 0; i < 4 + Replayer.MAX_WAITING + 8; i++) {
            replays.add(replayer.replay(original, ReplayRequest.UNCHANGED));
        }
        // Four reach the upstream and hang there; at most MAX_WAITING more wait; the rest fail at once.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> received.get() == 4
                        && replays.stream().filter(Future::isComplete).count() >= 8);
        List<CapturedExchange> refused =
                replays.stream().filter(Future::isComplete).map(Future::result).toList();
        assertThat(refused).allSatisfy(replay -> {
            assertThat(replay.state()).isEqualTo(CapturedExchange.State.FAILED);
            assertThat(replay.status()).isEqualTo(502);
            assertThat(replay.error())
                    .contains("the replay could not reach the local service")
                    .contains("max wait queue size of " + Replayer.MAX_WAITING);
        });
        assertThat(replays.stream().filter(f -> !f.isComplete()).count()).isLessThanOrEqualTo(4 + Replayer.MAX_WAITING);
    }
}
