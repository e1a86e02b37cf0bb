package dev.porthole.protocol.mux;

import dev.porthole.protocol.PeerText;
import dev.porthole.protocol.message.ResetCode;
import io.vertx.core.Handler;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.jboss.logging.Logger;

/**
 * Whether and why a {@link MuxStream} closed: for good once both sides finished, or failed by a
 * reset from either side, by its connection or by a handler that threw; the close and exception
 * handlers that hear of it, and the failure that later writes see. Handlers are set from any
 * thread; everything else runs on the session's context.
 */
final class StreamClosing {

    /** MuxStream's category, which operators already filter these lines by. */
    private static final Logger LOG = Logger.getLogger(MuxStream.class);

    /** An updater rather than an AtomicReference: no second object per stream for one field. */
    private static final AtomicReferenceFieldUpdater<StreamClosing, Runnable> CLOSE_HANDLER =
            AtomicReferenceFieldUpdater.newUpdater(StreamClosing.class, Runnable.class, "closeHandler");

    private final MuxStream stream;

    // Written by any thread, read on the context.
    private volatile Handler<Throwable> exceptionHandler;
    private volatile boolean closed;
    /** Told once when the stream is closed for good (both ends done, or reset); see {@link #closeHandler}. */
    private volatile Runnable closeHandler;

    // Confined to the session's context.
    private StreamResetException failure;

    StreamClosing(MuxStream stream) {
        this.stream = stream;
    }

    boolean isClosed() {
        return closed;
    }

    /** See {@link MuxStream#closeHandler}. */
    void closeHandler(Runnable handler) {
        this.closeHandler = handler;
        if (closed) {
            notifyClosed();
        }
    }

    private void notifyClosed() {
        Runnable handler = CLOSE_HANDLER.getAndSet(this, null);
        if (handler != null) {
            handler.run();
        }
    }

    /** Sets the exception handler, and tells it at once of a failure that came before it. */
    void exceptionHandler(Handler<Throwable> handler) {
        this.exceptionHandler = handler;
        stream.session().onContext(() -> {
            if (failure != null && handler != null && handler == exceptionHandler) {
                handler.handle(failure);
            }
        });
    }

    /** See {@link MuxStream#reset} and {@link MuxStream#cut}; {@code notify} tells the exception handler too. */
    void resetLocally(ResetCode code, String message, boolean notify) {
        stream.session().onContext(() -> {
            if (closed) {
                return;
            }
            int id = stream.id();
            if (id != 0) {
                // A stream opened here whose OPEN has not gone out yet (id 0) is unknown to the peer: nothing to say.
                stream.session().frames().reset(id, code, message);
            }
            fail(new StreamResetException(code, "stream reset locally: " + message), notify);
        });
    }

    /** Both sides finished: the stream is closed for good, unless it already was. */
    void finished() {
        if (!closed) {
            closed = true;
            stream.session().streamClosed(stream);
            notifyClosed();
        }
    }

    /** Fails the stream with {@code cause}, once; {@code notify} tells the exception handler too. */
    void fail(StreamResetException cause, boolean notify) {
        if (closed) {
            return;
        }
        closed = true;
        failure = cause;
        stream.dropPending(cause);
        stream.session().streamClosed(stream);
        notifyClosed();
        if (notify) {
            Handler<Throwable> handler = exceptionHandler;
            if (handler != null) {
                invoke(handler, cause);
            }
        }
    }

    /** The reason a write or end fails: the stream's failure, or that it is closed ({@code state}). */
    Throwable failure(String state) {
        return failure != null ? failure : new IllegalStateException("stream " + stream.id() + " " + state);
    }

    /** Runs a handler; one that throws has the stream reset. */
    <T> void invoke(Handler<T> handler, T value) {
        try {
            handler.handle(value);
        } catch (RuntimeException e) {
            int id = stream.id();
            LOG.errorf(
                    e,
                    "stream %d of tunnel '%s': handler failed; resetting the stream",
                    id,
                    PeerText.escape(stream.open().tunnel()));
            if (!closed) {
                stream.session().frames().reset(id, ResetCode.INTERNAL, "handler failed: " + e);
                fail(new StreamResetException(ResetCode.INTERNAL, String.valueOf(e)), false);
            }
        }
    }
}
