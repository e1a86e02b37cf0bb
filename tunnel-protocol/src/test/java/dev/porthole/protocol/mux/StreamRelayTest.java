package dev.porthole.protocol.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.protocol.relay.StreamRelay;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamRelayTest {

    private static final MuxSettings SETTINGS = new MuxSettings(16 * 1024, 64 * 1024, 64 * 1024, 100, 64 * 1024);
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /**
     * A destination that reports itself full once and drains before a drain handler can be set,
     * and never calls the handler: the race that stalled downloads when the two sides live on
     * different event loops.
     */
    private static final class DrainsTooEarly implements WriteStream<Buffer> {
        final List<Buffer> written = new CopyOnWriteArrayList<>();
        final AtomicInteger fullAnswers = new AtomicInteger();
        final AtomicInteger ends = new AtomicInteger();

        @Override
        public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
            return this;
        }

        @Override
        public Future<Void> write(Buffer data) {
            written.add(data);
            return Future.succeededFuture();
        }

        @Override
        public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
            write(data).onComplete(handler);
        }

        @Override
        public void end(Handler<AsyncResult<Void>> handler) {
            ends.incrementAndGet();
            if (handler != null) {
                handler.handle(Future.succeededFuture());
            }
        }

        @Override
        public Future<Void> end(Buffer data) {
            written.add(data);
            ends.incrementAndGet();
            return Future.succeededFuture();
        }

        @Override
        public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
            return this;
        }

        @Override
        public boolean writeQueueFull() {
            // Full right after every write, empty by the time anyone looks again.
            return fullAnswers.getAndIncrement() % 2 == 0;
        }

        @Override
        public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
            return this;
        }
    }

    @Test
    void aDrainThatHappensBeforeTheHandlerIsSetDoesNotStallTheRelay() {
        DrainsTooEarly destination = new DrainsTooEarly();
        MuxPair pair = new MuxPair(vertx, SETTINGS, (stream, open) -> StreamRelay.relay(stream, destination));
        MuxStream stream = pair.gateway.openStream("t", "test", null);
        pair.gateway.context().runOnContext(v -> {
            // Three windows' worth, within the stream's hard limit: credit has to come back twice.
            for (int i = 0; i < 12; i++) {
                stream.write(Buffer.buffer(new byte[16 * 1024 - 6]));
            }
            stream.end();
        });
        await().until(() -> destination.ends.get() == 1);
        assertThat(destination.written.stream().mapToInt(Buffer::length).sum()).isEqualTo(12 * (16 * 1024 - 6));
    }

    @Test
    void theLastChunkAndTheEndGoOutAsOneCall() {
        DrainsTooEarly destination = new DrainsTooEarly();
        MuxPair pair = new MuxPair(vertx, SETTINGS, (stream, open) -> StreamRelay.relay(stream, destination));
        MuxStream stream = pair.gateway.openStream("t", "test", null);
        pair.gateway.context().runOnContext(v -> stream.end(Buffer.buffer("only chunk")));
        await().until(() -> destination.ends.get() == 1);
        assertThat(destination.written).extracting(Buffer::toString).containsExactly("only chunk");
    }
}
