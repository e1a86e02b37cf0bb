package dev.porthole.gateway.ingress;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * A request body on its way to the agent that may not grow past a size: the write that would pass
 * it fails with {@link TooLarge} and nothing of it goes through, so the upstream never sees more
 * than the limit. Catches chunked bodies, whose size is known only as they arrive.
 */
final class BoundedBody implements WriteStream<Buffer> {

    private final WriteStream<Buffer> delegate;
    private final long limit;
    private long written;

    BoundedBody(WriteStream<Buffer> delegate, long limit) {
        this.delegate = delegate;
        this.limit = limit;
    }

    @Override
    public Future<Void> write(Buffer data) {
        written += data.length();
        if (written > limit) {
            return Future.failedFuture(new TooLarge(limit));
        }
        return delegate.write(data);
    }

    @Override
    public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
        write(data).onComplete(handler);
    }

    @Override
    public Future<Void> end() {
        return written > limit ? Future.failedFuture(new TooLarge(limit)) : delegate.end();
    }

    @Override
    public void end(Handler<AsyncResult<Void>> handler) {
        end().onComplete(handler);
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

    /** The body passed the limit. */
    static final class TooLarge extends RuntimeException {
        TooLarge(long limit) {
            super("the request body is larger than " + limit + " bytes", null, false, false);
        }
    }
}
