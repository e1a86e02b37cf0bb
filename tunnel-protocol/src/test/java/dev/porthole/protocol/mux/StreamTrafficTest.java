package dev.porthole.protocol.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.protocol.message.ConnectionMessage;
import dev.porthole.protocol.message.Open;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The listener hears every DATA byte of a stream as it moves, and the open-stream count is readable from any thread. */
class StreamTrafficTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void reportsDataBytesBothWaysAndCountsOpenStreams() {
        MuxPair pair = new MuxPair(vertx, new MuxSettings(16 * 1024, 64 * 1024, 64 * 1024, 8, 64 * 1024), (stream, open) -> {
            stream.handler(stream::write);
            stream.endHandler(ignored -> stream.end());
        });
        AtomicLong received = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        AtomicLong local = new AtomicLong();
        pair.gateway.listener(new MuxListener() {
            @Override
            public void onOpen(MuxStream stream, Open open) {
            }

            @Override
            public void onMessage(ConnectionMessage message) {
            }

            @Override
            public void onStreamData(MuxStream stream, int in, int out) {
                received.addAndGet(in);
                sent.addAndGet(out);
                if (stream.openedLocally()) {
                    local.addAndGet(in + out);
                }
            }

            @Override
            public void onClosed(int code, String reason) {
            }
        });

        MuxStream stream = pair.gateway.openStream("t", "visitor", null);
        stream.handler(data -> {
        });
        stream.endHandler(ignored -> {
        });
        stream.write(Buffer.buffer(new byte[100_000]));
        await().atMost(Duration.ofSeconds(5)).until(() -> received.get() == 100_000);
        assertThat(sent.get()).isEqualTo(100_000);
        assertThat(local.get()).as("the gateway opened the stream").isEqualTo(200_000);
        assertThat(pair.gateway.openStreams()).isEqualTo(1);
        assertThat(pair.agent.openStreams()).isEqualTo(1);

        stream.end();
        await().atMost(Duration.ofSeconds(5)).until(() -> pair.gateway.openStreams() == 0 && pair.agent.openStreams() == 0);
    }
}
