package dev.porthole.gateway.ingress;

import dev.porthole.protocol.relay.ForwardingWriteStream;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * A request body on its way to the agent that may not grow past a size: the write that would pass
 * it fails with {@link TooLarge} and nothing of it goes through, so the upstream never sees more
 * than the limit. Catches chunked bodies, whose size is known only as they arrive.
 */
final class BoundedBody extends ForwardingWriteStream {

    private final long limit;
    private long written;

    BoundedBody(WriteStream<Buffer> delegate, long limit) {
        super(delegate);
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
    public Future<Void> end() {
        return written > limit ? Future.failedFuture(new TooLarge(limit)) : delegate.end();
    }

    /** The body passed the limit. */
    static final class TooLarge extends RuntimeException {
        TooLarge(long limit) {
            super("the request body is larger than " + limit + " bytes", null, false, false);
        }
    }
}
