package dev.porthole.gateway.limits;

import dev.porthole.protocol.relay.ForwardingWriteStream;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * A write stream that reports itself full while its token buckets are in debt, so that the pipe
 * feeding it pauses its source (a visitor's socket, or a tunnel stream that then stops returning
 * credit to the agent) and resumes it by the drain handler once the tokens are back. Bytes are
 * never dropped or held here: each write goes straight through and is paid for afterwards.
 */
public final class ThrottledWriteStream extends ForwardingWriteStream {

    private final Throttle throttle;
    private final Wakeups wakeups;
    private final Runnable onPause;
    private volatile boolean waiting;
    private volatile boolean ended;
    private volatile Handler<Void> drainHandler;

    ThrottledWriteStream(WriteStream<Buffer> delegate, Throttle throttle, Wakeups wakeups, Runnable onPause) {
        super(delegate);
        this.throttle = throttle;
        this.wakeups = wakeups;
        this.onPause = onPause;
    }

    /** Whether the stream waits for tokens now. */
    public boolean waiting() {
        return waiting;
    }

    @Override
    public Future<Void> write(Buffer data) {
        pay(data.length());
        return delegate.write(data);
    }

    @Override
    public Future<Void> end() {
        ended = true;
        return delegate.end();
    }

    @Override
    public Future<Void> end(Buffer data) {
        // The last bytes are paid for but not waited on: nothing follows them.
        ended = true;
        throttle.take(data.length());
        return delegate.end(data);
    }

    @Override
    public boolean writeQueueFull() {
        return waiting || delegate.writeQueueFull();
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        this.drainHandler = handler;
        delegate.drainHandler(handler == null ? null : ignored -> drained());
        return this;
    }

    private void pay(int bytes) {
        long wait = throttle.take(bytes);
        if (wait > 0 && !waiting) {
            waiting = true;
            onPause.run();
            wakeups.after(wait, this::wake);
        }
    }

    /** The wait is over, unless other tunnels sharing a bucket spent the tokens meanwhile. */
    private void wake() {
        if (ended) {
            return;
        }
        long more = throttle.waitNanos();
        if (more > 0) {
            wakeups.after(more, this::wake);
            return;
        }
        waiting = false;
        drained();
    }

    private void drained() {
        Handler<Void> handler = drainHandler;
        // After the end nothing waits for a drain, and an ended response refuses even the question.
        if (handler != null && !ended && !writeQueueFull()) {
            handler.handle(null);
        }
    }
}
