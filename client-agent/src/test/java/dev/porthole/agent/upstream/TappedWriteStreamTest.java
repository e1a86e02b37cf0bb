package dev.porthole.agent.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TappedWriteStreamTest {

    /** A destination that records calls and whose queue is full when told. */
    private static final class Destination implements WriteStream<Buffer> {
        final List<String> calls = new ArrayList<>();
        boolean full;
        Handler<Void> drain;

        @Override
        public Future<Void> write(Buffer data) {
            calls.add("write " + data);
            return Future.succeededFuture();
        }

        @Override
        public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
            write(data).onComplete(handler);
        }

        @Override
        public Future<Void> end(Buffer data) {
            calls.add("end " + data);
            return Future.succeededFuture();
        }

        @Override
        public Future<Void> end() {
            calls.add("end");
            return Future.succeededFuture();
        }

        @Override
        public void end(Handler<AsyncResult<Void>> handler) {
            end().onComplete(handler);
        }

        @Override
        public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
            return this;
        }

        @Override
        public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
            return this;
        }

        @Override
        public boolean writeQueueFull() {
            return full;
        }

        @Override
        public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
            drain = handler;
            return this;
        }
    }

    @Test
    void showsEveryChunkToTheTapAndPassesItOnUnchanged() {
        Destination destination = new Destination();
        List<String> tapped = new ArrayList<>();
        TappedWriteStream stream = new TappedWriteStream(destination, chunk -> tapped.add(chunk.toString()));
        stream.write(Buffer.buffer("a"));
        stream.end(Buffer.buffer("b"));
        assertThat(tapped).containsExactly("a", "b");
        // The last chunk stays one end(data) call, so an HTTP request can still set its length from it.
        assertThat(destination.calls).containsExactly("write a", "end b");
    }

    @Test
    void leavesBackPressureToTheDestination() {
        Destination destination = new Destination();
        TappedWriteStream stream = new TappedWriteStream(destination, chunk -> {});
        assertThat(stream.writeQueueFull()).isFalse();
        destination.full = true;
        assertThat(stream.writeQueueFull()).isTrue();
        List<String> drained = new ArrayList<>();
        stream.drainHandler(ignored -> drained.add("drained"));
        destination.drain.handle(null);
        assertThat(drained).containsExactly("drained");
    }
}
