package dev.porthole.protocol.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.message.ConnectionMessage;
import dev.porthole.protocol.message.Open;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The listener hears every DATA byte of a stream as it moves, and when the last open stream closes;
 * the open-stream count is readable from any thread.
 */
class StreamTrafficTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void reportsDataBytesBothWaysAndCountsOpenStreams() {
        MuxPair pair =
                new MuxPair(vertx, new MuxSettings(16 * 1024, 64 * 1024, 64 * 1024, 8, 64 * 1024), (stream, open) -> {
                    stream.handler(stream::write);
                    stream.endHandler(ignored -> stream.end());
                });
        AtomicLong received = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        AtomicLong local = new AtomicLong();
        pair.gateway.listener(new Hearing() {
            @Override
            public void onStreamData(MuxStream stream, int in, int out) {
                received.addAndGet(in);
                sent.addAndGet(out);
                if (stream.openedLocally()) {
                    local.addAndGet(in + out);
                }
            }
        });

        MuxStream stream = pair.gateway.openStream("t", "visitor", null);
        stream.handler(data -> {});
        stream.endHandler(ignored -> {});
        stream.write(Buffer.buffer(new byte[100_000]));
        await().atMost(Duration.ofSeconds(5)).until(() -> received.get() == 100_000);
        assertThat(sent.get()).isEqualTo(100_000);
        assertThat(local.get()).as("the gateway opened the stream").isEqualTo(200_000);
        assertThat(pair.gateway.openStreams()).isEqualTo(1);
        assertThat(pair.agent.openStreams()).isEqualTo(1);

        stream.end();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> pair.gateway.openStreams() == 0 && pair.agent.openStreams() == 0);
    }

    @Test
    void tellsTheListenerWhenTheLastStreamClosesButNotWhenTheConnectionEnds() {
        MuxPair pair =
                new MuxPair(vertx, new MuxSettings(16 * 1024, 64 * 1024, 64 * 1024, 8, 64 * 1024), (stream, open) -> {
                    stream.handler(data -> {});
                    stream.endHandler(ignored -> stream.end());
                });
        AtomicInteger idle = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        pair.gateway.listener(new Hearing() {
            @Override
            public void onStreamsClosed() {
                idle.incrementAndGet();
            }

            @Override
            public void onClosed(int code, String reason) {
                closed.incrementAndGet();
            }
        });

        MuxStream first = open(pair);
        MuxStream second = open(pair);
        first.end();
        await().atMost(Duration.ofSeconds(10)).until(() -> pair.gateway.openStreams() == 1);
        assertThat(idle).as("one stream is still open").hasValue(0);

        second.end();
        await().atMost(Duration.ofSeconds(10)).until(() -> idle.get() == 1);
        assertThat(pair.gateway.openStreams()).isZero();

        open(pair);
        pair.gateway.close(CloseCode.NORMAL, "done");
        await().atMost(Duration.ofSeconds(10)).until(() -> closed.get() == 1);
        assertThat(idle)
                .as("streams failed by the end of the connection are not an idle session")
                .hasValue(1);
    }

    private static MuxStream open(MuxPair pair) {
        MuxStream stream = pair.gateway.openStream("t", "visitor", null);
        stream.handler(data -> {});
        stream.endHandler(ignored -> {});
        return stream;
    }

    /** A listener that hears only what a test overrides. */
    private abstract static class Hearing implements MuxListener {
        @Override
        public void onOpen(MuxStream stream, Open open) {}

        @Override
        public void onMessage(ConnectionMessage message) {}

        @Override
        public void onClosed(int code, String reason) {}
    }
}
