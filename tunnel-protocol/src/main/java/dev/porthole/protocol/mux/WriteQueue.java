package dev.porthole.protocol.mux;

import dev.porthole.protocol.buffer.Ownership;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes one stream's writer handed over and the peer has not yet been sent, with the
 * {@link io.vertx.core.streams.WriteStream} signals: full at the configured size, drained at half
 * of it, and a hard limit for a writer that ignores "full".
 *
 * <p>The byte count is read and admitted from any thread; the queue itself is confined to the
 * session's context.
 */
final class WriteQueue {

    private final ArrayDeque<PendingWrite> writes = new ArrayDeque<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final long hardLimit;
    private volatile int maxSize;
    private volatile boolean writerSawFull;

    WriteQueue(MuxSettings settings) {
        this.maxSize = settings.writeQueueMaxSize();
        this.hardLimit = settings.writeQueueHardLimit();
    }

    /**
     * Counts {@code length} more bytes as queued, from any thread, and answers the new total; past
     * {@link #hardLimit()} the caller refuses the write ({@link #refuse}).
     */
    long admit(int length) {
        return queuedBytes.addAndGet(length);
    }

    long hardLimit() {
        return hardLimit;
    }

    /** Gives back an admitted write that will not be queued. */
    void refuse(int length) {
        queuedBytes.addAndGet(-length);
    }

    void maxSize(int maxSize) {
        if (maxSize <= 0) {
            throw new IllegalArgumentException("write queue size must be positive: " + maxSize);
        }
        this.maxSize = maxSize;
    }

    /** Whether the writer should wait; a writer that saw it full is told when it drains. */
    boolean full() {
        boolean full = queuedBytes.get() >= maxSize;
        if (full) {
            writerSawFull = true;
        }
        return full;
    }

    /** A writer registered a drain handler, so it saw the queue full: re-arm the signal. */
    void writerWaits() {
        writerSawFull = true;
    }

    /** Whether a waiting writer should be told now (half drained); answers true once per wait. */
    boolean drained() {
        if (writerSawFull && queuedBytes.get() <= maxSize / 2) {
            writerSawFull = false;
            return true;
        }
        return false;
    }

    void add(Buffer data, Handler<AsyncResult<Void>> handler) {
        writes.add(new PendingWrite(data, handler));
    }

    boolean isEmpty() {
        return writes.isEmpty();
    }

    /** Whether {@code length} bytes taken from the head are all that is queued. */
    boolean onlyHead(int length) {
        return writes.size() == 1 && writes.peek().remaining() == length;
    }

    /** Bytes left of the first write. */
    int headRemaining() {
        return writes.peek().remaining();
    }

    /** Takes {@code length} bytes of the first write, to be sent; then call {@link #releaseSentHead()}. */
    Buffer take(int length) {
        queuedBytes.addAndGet(-length);
        return writes.peek().take(length);
    }

    /** Once its last bytes are sent, completes the first write and releases its buffer. */
    void releaseSentHead() {
        PendingWrite head = writes.peek();
        if (head.remaining() == 0) {
            writes.poll();
            Ownership.release(head.data);
            succeed(head.handler);
        }
    }

    /** Fails and releases every write still queued. */
    void failAll(Throwable cause) {
        for (PendingWrite pending : writes) {
            queuedBytes.addAndGet(-pending.remaining());
            Ownership.release(pending.data);
            fail(pending.handler, cause);
        }
        writes.clear();
    }

    static void succeed(Handler<AsyncResult<Void>> handler) {
        if (handler != null) {
            handler.handle(Future.succeededFuture());
        }
    }

    static void fail(Handler<AsyncResult<Void>> handler, Throwable cause) {
        if (handler != null) {
            handler.handle(Future.failedFuture(cause));
        }
    }

    /** Bytes a writer handed over and the callback to run once they are all sent. */
    private static final class PendingWrite {
        private final Buffer data;
        private final Handler<AsyncResult<Void>> handler;
        private int offset;

        PendingWrite(Buffer data, Handler<AsyncResult<Void>> handler) {
            this.data = data;
            this.handler = handler;
        }

        int remaining() {
            return data.length() - offset;
        }

        Buffer take(int length) {
            Buffer piece = (offset == 0 && length == data.length()) ? data : data.slice(offset, offset + length);
            offset += length;
            return piece;
        }
    }
}
