package dev.porthole.protocol.relay;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * A write stream that passes everything on to another one, for a subclass to change what it
 * needs. Back-pressure (full, drain, queue size) and errors are the delegate's. The callback forms
 * go through {@link #write(Buffer)} and {@link #end()}, and {@link #end(Buffer)} is a write then an
 * end, so a subclass that checks or counts in those two sees every byte; one that must hand the
 * last bytes over in the same call as the end overrides {@link #end(Buffer)}.
 */
public abstract class ForwardingWriteStream implements WriteStream<Buffer> {

    protected final WriteStream<Buffer> delegate;

    protected ForwardingWriteStream(WriteStream<Buffer> delegate) {
        this.delegate = delegate;
    }

    @Override
    public Future<Void> write(Buffer data) {
        return delegate.write(data);
    }

    @Override
    public final void write(Buffer data, Handler<AsyncResult<Void>> handler) {
        reportTo(write(data), handler);
    }

    @Override
    public Future<Void> end() {
        return delegate.end();
    }

    @Override
    public final void end(Handler<AsyncResult<Void>> handler) {
        reportTo(end(), handler);
    }

    @Override
    public Future<Void> end(Buffer data) {
        return write(data).compose(written -> end());
    }

    @Override
    public final void end(Buffer data, Handler<AsyncResult<Void>> handler) {
        reportTo(end(data), handler);
    }

    @Override
    public boolean writeQueueFull() {
        return delegate.writeQueueFull();
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        delegate.drainHandler(handler);
        return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
        delegate.setWriteQueueMaxSize(maxSize);
        return this;
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        delegate.exceptionHandler(handler);
        return this;
    }

    private static void reportTo(Future<Void> result, Handler<AsyncResult<Void>> handler) {
        if (handler != null) {
            result.onComplete(handler);
        }
    }
}
