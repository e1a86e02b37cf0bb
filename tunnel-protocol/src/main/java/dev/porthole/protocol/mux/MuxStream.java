package dev.porthole.protocol.mux;

import dev.porthole.protocol.PeerText;
import dev.porthole.protocol.buffer.Ownership;
import dev.porthole.protocol.frame.ProtocolError;
import dev.porthole.protocol.frame.ProtocolException;
import dev.porthole.protocol.message.Capabilities;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpResponseHead;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.ResetCode;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * One stream of a tunnel connection, as a Vert.x {@link ReadStream} and {@link WriteStream} of
 * bytes, so that {@code pipeTo} gives back-pressure end to end.
 *
 * <p>Writing: bytes leave only while the peer has granted credit; {@link #writeQueueFull()} turns
 * true once {@link MuxSettings#writeQueueMaxSize()} bytes wait, and a writer that ignores it past
 * {@link MuxSettings#writeQueueHardLimit()} gets the stream reset. Reading: received bytes wait
 * in a buffer no larger than the window this side granted; credit goes back to the peer only as
 * the reader consumes, so a paused reader stops the peer rather than growing memory.
 *
 * <p>Every state change runs on the session's context; methods called from other threads hop
 * onto it, in call order. Handlers run on the session's context.
 *
 * <p>A written buffer becomes the stream's ({@link Ownership}): it is released once sent, or when
 * the write fails or the stream ends before it could be, so that a relay can hand over the pooled
 * buffers it read from a socket without copying them. Received data may sit in the connection's
 * pooled buffers too: a reader that said it takes buffers over ({@link #readerTakesOver()}) gets
 * them as they are; any other gets a heap copy, and the pooled buffer is released here.
 */
public final class MuxStream implements ReadStream<Buffer>, WriteStream<Buffer> {

    private static final Logger LOG = Logger.getLogger(MuxStream.class);

    /**
     * Response heads kept for a reader that has not set its handler yet. A real response has a
     * final head after at most a few interim ones (100, 103); a peer that sends more is refused.
     */
    static final int MAX_UNREAD_HEADS = 8;

    private final MuxSession session;
    private volatile int id;
    private volatile Open open;

    // Written by any thread, read on the context.
    private volatile Handler<Buffer> dataHandler;
    private volatile Handler<Void> endHandler;
    private volatile Handler<Throwable> exceptionHandler;
    private volatile Handler<Void> drainHandler;
    private volatile Handler<HttpResponseHead> responseHandler;
    private volatile boolean closed;
    /** Told once when the stream is closed for good (both ends done, or reset); see {@link #closeHandler}. */
    private final AtomicReference<Runnable> closeHandler = new AtomicReference<>();

    private volatile boolean readerTakesOver;
    private final WriteQueue outbound;

    // Confined to the session's context.
    private final ReadQueue inbound = new ReadQueue();
    private final ReceiveWindow receiveWindow;
    private long sendCredit;
    private boolean finQueued;
    private boolean finSent;
    private Promise<Void> endPromise;
    private boolean remoteFin;
    private boolean endDelivered;
    /** Trailer fields to send in place of FIN (null: a plain FIN). */
    private List<Header> trailersToSend;
    /** The peer's trailer fields, set before the end is delivered (empty when it ended with a plain FIN). */
    private volatile List<Header> trailers = List.of();
    /** Heads that came before the reader's handler, in arrival order: never merged, so that a second final head is seen. */
    private final ArrayDeque<HttpResponseHead> unreadHeads = new ArrayDeque<>(2);

    private StreamResetException failure;
    private long bytesRead;
    private long bytesWritten;

    MuxStream(MuxSession session, int id, Open open, int sendCredit, int receiveWindow, MuxSettings settings) {
        this.session = session;
        this.id = id;
        this.open = open;
        this.sendCredit = sendCredit;
        this.receiveWindow = new ReceiveWindow(session, receiveWindow);
        this.outbound = new WriteQueue(settings);
    }

    /** The stream id on the wire; 0 until a locally opened stream has been sent (ids are handed out in send order). */
    public int id() {
        return id;
    }

    /** Gives a locally opened stream its id, on the session's context, just before its OPEN is sent. */
    void assign(int streamId, Open opened) {
        this.id = streamId;
        this.open = opened;
    }

    /** The OPEN that created the stream: tunnel, source and, for HTTP, the request head. */
    public Open open() {
        return open;
    }

    /** The session the stream belongs to. */
    public MuxSession session() {
        return session;
    }

    /** Whether the stream has ended, normally or by a reset. */
    public boolean isClosed() {
        return closed;
    }

    /** Whether this side opened the stream (a gateway's visitor streams; an agent's dials). */
    public boolean openedLocally() {
        return session.openedHere(id);
    }

    /** Bytes received from the peer so far (read on the session's context). */
    public long bytesRead() {
        return bytesRead;
    }

    /** Bytes sent to the peer so far (read on the session's context). */
    public long bytesWritten() {
        return bytesWritten;
    }

    /**
     * Says that the data handler takes over every buffer it is given and releases it (a relay that
     * writes it to a socket or another stream does): received pooled buffers then reach it without a copy.
     */
    public MuxStream readerTakesOver() {
        this.readerTakesOver = true;
        return this;
    }

    // ---- ReadStream ----

    @Override
    public MuxStream handler(Handler<Buffer> handler) {
        this.dataHandler = handler;
        session.onContext(this::deliver);
        return this;
    }

    @Override
    public MuxStream endHandler(Handler<Void> handler) {
        this.endHandler = handler;
        session.onContext(this::deliver);
        return this;
    }

    /**
     * Runs {@code handler} once when the stream is closed for good: both ends finished, or reset by
     * either side or with its connection. At once when it is closed already.
     */
    public MuxStream closeHandler(Runnable handler) {
        this.closeHandler.set(handler);
        if (closed) {
            notifyClosed();
        }
        return this;
    }

    private void notifyClosed() {
        Runnable handler = closeHandler.getAndSet(null);
        if (handler != null) {
            handler.run();
        }
    }

    @Override
    public MuxStream exceptionHandler(Handler<Throwable> handler) {
        this.exceptionHandler = handler;
        session.onContext(() -> {
            if (failure != null && handler != null && handler == exceptionHandler) {
                handler.handle(failure);
            }
        });
        return this;
    }

    @Override
    public MuxStream pause() {
        session.onContext(inbound::pause);
        return this;
    }

    @Override
    public MuxStream resume() {
        return fetch(Long.MAX_VALUE);
    }

    @Override
    public MuxStream fetch(long amount) {
        if (amount < 0) {
            throw new IllegalArgumentException("fetch amount must not be negative: " + amount);
        }
        session.onContext(() -> {
            inbound.fetch(amount);
            deliver();
        });
        return this;
    }

    /**
     * Handles the upstream's response heads (HTTP streams, gateway side). Heads that arrived before
     * the handler are each delivered once, in the order they came.
     */
    public MuxStream responseHandler(Handler<HttpResponseHead> handler) {
        this.responseHandler = handler;
        session.onContext(() -> {
            while (handler != null && responseHandler == handler && !closed && !unreadHeads.isEmpty()) {
                invoke(handler, unreadHeads.poll());
            }
        });
        return this;
    }

    /** Sends the upstream's response head (HTTP streams, agent side), before any DATA. */
    public void respond(HttpResponseHead head) {
        respond(head, false);
    }

    /**
     * Sends the response head; with {@code last} the response has no body and this side of the
     * stream is finished (no DATA, no FIN frame follows).
     */
    public void respond(HttpResponseHead head, boolean last) {
        session.onContext(() -> {
            if (closed) {
                return;
            }
            try {
                session.sendResponse(id, head, last);
                if (last) {
                    finishedAtOpen();
                    closeIfDone();
                }
            } catch (IllegalArgumentException tooLarge) {
                session.sendReset(
                        id, ResetCode.UPSTREAM_ERROR, "the upstream's response head does not fit in one frame");
                terminate(new StreamResetException(ResetCode.UPSTREAM_ERROR, tooLarge.getMessage()), false);
            }
        });
    }

    // ---- WriteStream ----

    @Override
    public Future<Void> write(Buffer data) {
        Promise<Void> promise = Promise.promise();
        write(data, promise);
        return promise.future();
    }

    @Override
    public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
        int length = data.length();
        if (length == 0) {
            Ownership.release(data);
            WriteQueue.succeed(handler);
            return;
        }
        long queued = outbound.admit(length);
        if (queued > outbound.hardLimit()) {
            outbound.refuse(length);
            Ownership.release(data);
            String reason = "writer queued " + queued + " bytes, past the limit of " + outbound.hardLimit()
                    + " (it ignored writeQueueFull)";
            reset(ResetCode.STREAM_ERROR, reason);
            WriteQueue.fail(handler, new StreamResetException(ResetCode.STREAM_ERROR, reason));
            return;
        }
        session.onContext(() -> {
            if (closed || finQueued) {
                outbound.refuse(length);
                Ownership.release(data);
                WriteQueue.fail(
                        handler,
                        failure != null
                                ? failure
                                : new IllegalStateException("stream " + id + " is closed for writing"));
                return;
            }
            outbound.add(data, handler);
            session.scheduleFlush(this);
        });
    }

    @Override
    public void end(Handler<AsyncResult<Void>> handler) {
        session.onContext(() -> {
            if (closed) {
                WriteQueue.fail(
                        handler, failure != null ? failure : new IllegalStateException("stream " + id + " is closed"));
                return;
            }
            if (finQueued) {
                if (handler != null) {
                    endPromise.future().onComplete(handler);
                }
                return;
            }
            finQueued = true;
            endPromise = Promise.promise();
            if (handler != null) {
                endPromise.future().onComplete(handler);
            }
            session.scheduleFlush(this);
        });
    }

    @Override
    public Future<Void> end() {
        Promise<Void> promise = Promise.promise();
        end(promise);
        return promise.future();
    }

    /**
     * Ends the stream with trailer fields (a TRAILERS frame in place of FIN) when both sides agreed
     * on {@link Capabilities#TRAILERS}, else with a plain FIN (an older peer); empty {@code fields}
     * is a plain end.
     */
    public Future<Void> end(List<Header> fields) {
        if (!fields.isEmpty() && session.agreed(Capabilities.TRAILERS)) {
            session.onContext(() -> {
                if (!finQueued && !closed) {
                    trailersToSend = List.copyOf(fields);
                }
            });
        }
        return end();
    }

    /** The trailer fields the peer ended with; empty until the end arrived, or when it sent none. */
    public List<Header> trailers() {
        return trailers;
    }

    @Override
    public MuxStream setWriteQueueMaxSize(int maxSize) {
        outbound.maxSize(maxSize);
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return outbound.full();
    }

    @Override
    public MuxStream drainHandler(Handler<Void> handler) {
        this.drainHandler = handler;
        // A writer registers a drain handler because it saw the queue full; re-arm so that a drain
        // that raced with the registration (or cleared the flag for an earlier handler) still fires.
        outbound.writerWaits();
        session.onContext(this::maybeDrain);
        return this;
    }

    /** Aborts the stream in both directions and tells the peer why. Pending writes fail; handlers are not called. */
    public void reset(ResetCode code, String message) {
        session.onContext(() -> {
            if (closed) {
                return;
            }
            session.sendReset(id, code, message);
            terminate(new StreamResetException(code, "stream reset locally: " + message), false);
        });
    }

    // ---- driven by the session, on its context ----

    /** Takes over {@code data} unless it throws. */
    void onData(Buffer data, boolean fin) throws ProtocolException {
        if (remoteFin) {
            throw new ProtocolException(ProtocolError.UNEXPECTED_FRAME, "DATA on stream " + id + " after its FIN");
        }
        int length = data.length();
        if (!receiveWindow.spend(length)) {
            throw new ProtocolException(
                    ProtocolError.FLOW_CONTROL,
                    "DATA of " + length + " bytes on stream " + id + " exceeds the granted credit of "
                            + receiveWindow.remaining());
        }
        bytesRead += length;
        session.streamData(this, length, 0);
        if (fin) {
            remoteFin = true;
        }
        if (closed || length == 0) {
            Ownership.release(data);
        } else {
            inbound.add(data);
        }
        deliver();
    }

    /**
     * True while a data handler is given the stream's last chunk: the peer has finished and nothing
     * else is buffered. A relay can then end its destination with that chunk in one write. Read on
     * the session's context.
     */
    public boolean atEnd() {
        return remoteFin && inbound.isEmpty();
    }

    /** This side sent its last byte with the OPEN or RESPONSE itself. */
    void finishedAtOpen() {
        finQueued = true;
        finSent = true;
        endPromise = Promise.promise();
        endPromise.complete();
    }

    void onFin() throws ProtocolException {
        if (remoteFin) {
            throw new ProtocolException(ProtocolError.UNEXPECTED_FRAME, "second FIN on stream " + id);
        }
        remoteFin = true;
        deliver();
    }

    /** The peer's TRAILERS: its fields, then the end as for FIN. */
    void onTrailers(List<Header> fields) throws ProtocolException {
        if (remoteFin) {
            throw new ProtocolException(ProtocolError.UNEXPECTED_FRAME, "TRAILERS on stream " + id + " after its FIN");
        }
        trailers = fields;
        onFin();
    }

    void onWindow(int increment) throws ProtocolException {
        sendCredit += increment;
        if (sendCredit > Integer.MAX_VALUE) {
            throw new ProtocolException(ProtocolError.FLOW_CONTROL, "credit on stream " + id + " grew beyond 2^31-1");
        }
        flush();
    }

    void onResponse(HttpResponseHead head) {
        if (closed) {
            return;
        }
        Handler<HttpResponseHead> handler = responseHandler;
        if (handler != null && unreadHeads.isEmpty()) {
            invoke(handler, head);
        } else if (unreadHeads.size() < MAX_UNREAD_HEADS) {
            unreadHeads.add(head);
        } else {
            String message = "more than " + MAX_UNREAD_HEADS + " response heads on one stream";
            session.sendReset(id, ResetCode.STREAM_ERROR, message);
            terminate(new StreamResetException(ResetCode.STREAM_ERROR, message), true);
        }
    }

    void onReset(ResetCode code, String message) {
        terminate(new StreamResetException(code, message), true);
    }

    /** Sends what credit and the transport allow; called again on WINDOW and when the transport drains. */
    void flush() {
        while (!closed && !outbound.isEmpty() && sendCredit > 0) {
            if (session.transportFull()) {
                session.waitForTransport(this);
                return;
            }
            int chunk = (int) Math.min(Math.min(outbound.headRemaining(), sendCredit), session.maxDataPayload());
            boolean last = finQueued && !finSent && trailersToSend == null && outbound.onlyHead(chunk);
            session.sendData(id, outbound.take(chunk), last);
            if (last) {
                finSent = true;
            }
            sendCredit -= chunk;
            bytesWritten += chunk;
            session.streamData(this, 0, chunk);
            outbound.releaseSentHead();
        }
        if (!closed && finQueued && outbound.isEmpty()) {
            if (!finSent) {
                finSent = true;
                if (trailersToSend != null) {
                    session.sendTrailers(id, trailersToSend);
                } else {
                    session.sendFin(id);
                }
            }
            endPromise.tryComplete();
            closeIfDone();
        }
        maybeDrain();
    }

    /** Fails the stream because its connection is gone. */
    void connectionClosed(String reason) {
        terminate(new StreamResetException(ResetCode.CONNECTION_CLOSED, reason), true);
    }

    private void deliver() {
        while (!closed && inbound.ready()) {
            Handler<Buffer> handler = dataHandler;
            if (handler == null) {
                return;
            }
            Buffer data = inbound.next();
            consumed(data.length());
            invoke(handler, readerTakesOver ? data : Ownership.onHeap(data));
        }
        if (!closed && remoteFin && !endDelivered && inbound.isEmpty()) {
            Handler<Void> handler = endHandler;
            if (handler != null) {
                endDelivered = true;
                invoke(handler, null);
                closeIfDone();
            }
        }
    }

    private void consumed(int length) {
        int increment = receiveWindow.consumed(length, remoteFin);
        if (increment > 0) {
            session.sendWindow(id, increment);
        }
    }

    /** What this stream's receive window grew beyond its initial size; given back to the session when the stream closes. */
    int windowGrowth() {
        return receiveWindow.growth();
    }

    private void maybeDrain() {
        Handler<Void> handler = drainHandler;
        if (handler != null && outbound.drained()) {
            invoke(handler, null);
        }
    }

    private void closeIfDone() {
        if (finSent && endDelivered && !closed) {
            closed = true;
            session.streamClosed(this);
            notifyClosed();
        }
    }

    private void terminate(StreamResetException cause, boolean notify) {
        if (closed) {
            return;
        }
        closed = true;
        failure = cause;
        inbound.discard();
        unreadHeads.clear();
        outbound.failAll(cause);
        if (endPromise != null) {
            endPromise.tryFail(cause);
        }
        session.streamClosed(this);
        notifyClosed();
        if (notify) {
            Handler<Throwable> handler = exceptionHandler;
            if (handler != null) {
                invoke(handler, cause);
            }
        }
    }

    private <T> void invoke(Handler<T> handler, T value) {
        try {
            handler.handle(value);
        } catch (RuntimeException e) {
            LOG.errorf(
                    e,
                    "stream %d of tunnel '%s': handler failed; resetting the stream",
                    id,
                    PeerText.escape(open.tunnel()));
            if (!closed) {
                session.sendReset(id, ResetCode.INTERNAL, "handler failed: " + e);
                terminate(new StreamResetException(ResetCode.INTERNAL, String.valueOf(e)), false);
            }
        }
    }

    @Override
    public String toString() {
        return "stream " + Integer.toUnsignedLong(id) + " of tunnel '" + open.tunnel() + "'";
    }
}
