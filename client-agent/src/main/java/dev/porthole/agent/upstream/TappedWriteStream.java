package dev.porthole.agent.upstream;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.util.function.Consumer;

/**
 * A write stream that shows each chunk to a tap before passing it on unchanged. Back-pressure is
 * the destination's alone: the tap cannot make a pipe wait.
 */
final class TappedWriteStream implements WriteStream<Buffer> {

    private final WriteStream<Buffer> destination;
    private final Consumer<Buffer> tap;

    TappedWriteStream(WriteStream<Buffer> destination, Consumer<Buffer> tap) {
        this.destination = destination;
        this.tap = tap;
    }

    @Override
    public Future<Void> write(Buffer data) {
        tap.accept(data);
        return destination.write(data);
    }

    @Override
    public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
        tap.accept(data);
        destination.write(data, handler);
    }

    @Override
    public Future<Void> end(Buffer data) {
        // Passed on as one call: an HTTP request ended with its last chunk may set Content-Length from it.
        tap.accept(data);
        return destination.end(data);
    }

    @Override
    public void end(Buffer data, Handler<AsyncResult<Void>> handler) {
        tap.accept(data);
        destination.end(data, handler);
    }

    @Override
    public Future<Void> end() {
        return destination.end();
    }

    @Override
    public void end(Handler<AsyncResult<Void>> handler) {
        destination.end(handler);
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        destination.exceptionHandler(handler);
        return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
        destination.setWriteQueueMaxSize(maxSize);
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return destination.writeQueueFull();
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        destination.drainHandler(handler);
        return this;
    }
}
