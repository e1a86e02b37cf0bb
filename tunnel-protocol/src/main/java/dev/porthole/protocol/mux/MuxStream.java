package dev.porthole.protocol.mux;

import dev.porthole.protocol.buffer.Ownership;
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
import java.util.List;

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

    private final MuxSession session;
    private volatile int id;
    /** Known from the start, not from the id: a stream opened here has none until its OPEN goes out. */
    private final boolean openedLocally;

    private volatile Open open;

    private final StreamOutbound outbound;
    private final StreamInbound inbound;
    private final ResponseHeads heads = new ResponseHeads(this);
    private final StreamClosing closing = new StreamClosing(this);

    /**
     * @param id the peer's id for a stream it opened; 0 for one opened here, which gets its id when
     *     its OPEN goes out ({@link #assign})
     */
    MuxStream(MuxSession session, int id, Open open, int sendCredit, int receiveWindow, MuxSettings settings) {
        this.session = session;
        this.id = id;
        this.openedLocally = id == 0;
        this.open = open;
        this.inbound = new StreamInbound(this, session, receiveWindow);
        this.outbound = new StreamOutbound(this, session, sendCredit, settings);
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
        return closing.isClosed();
    }

    /** Whether this side opened the stream (a gateway's visitor streams; an agent's dials). */
    public boolean openedLocally() {
        return openedLocally;
    }

    /** Bytes received from the peer so far (read on the session's context). */
    public long bytesRead() {
        return inbound.bytesRead();
    }

    /** Bytes sent to the peer so far (read on the session's context). */
    public long bytesWritten() {
        return outbound.bytesWritten();
    }

    /**
     * Says that the data handler takes over every buffer it is given and releases it (a relay that
     * writes it to a socket or another stream does): received pooled buffers then reach it without a copy.
     */
    public MuxStream readerTakesOver() {
        inbound.readerTakesOver();
        return this;
    }

    // ---- ReadStream ----

    @Override
    public MuxStream handler(Handler<Buffer> handler) {
        inbound.dataHandler(handler);
        session.onContext(inbound::deliver);
        return this;
    }

    @Override
    public MuxStream endHandler(Handler<Void> handler) {
        inbound.endHandler(handler);
        session.onContext(inbound::deliver);
        return this;
    }

    /**
     * Runs {@code handler} once when the stream is closed for good: both ends finished, or reset by
     * either side or with its connection. At once when it is closed already.
     */
    public MuxStream closeHandler(Runnable handler) {
        closing.closeHandler(handler);
        return this;
    }

    @Override
    public MuxStream exceptionHandler(Handler<Throwable> handler) {
        closing.exceptionHandler(handler);
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
            inbound.deliver();
        });
        return this;
    }

    /**
     * Handles the upstream's response heads (HTTP streams, gateway side). Heads that arrived before
     * the handler are each delivered once, in the order they came.
     */
    public MuxStream responseHandler(Handler<HttpResponseHead> handler) {
        heads.handler(handler);
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
        heads.send(head, last);
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
        outbound.write(data, handler);
    }

    @Override
    public void end(Handler<AsyncResult<Void>> handler) {
        outbound.end(handler);
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
            outbound.endWith(fields);
        }
        return end();
    }

    /** The trailer fields the peer ended with; empty until the end arrived, or when it sent none. */
    public List<Header> trailers() {
        return inbound.trailers();
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
        outbound.drainHandler(handler);
        return this;
    }

    /** Aborts the stream in both directions and tells the peer why. Pending writes fail; handlers are not called. */
    public void reset(ResetCode code, String message) {
        closing.resetLocally(code, message, false);
    }

    /**
     * Aborts the stream as {@link #reset} does, and calls its exception handler too, as a reset from
     * the peer would: for a stream ended from outside its own exchange (a grant taken away), whose
     * reader must still answer or cut its visitor.
     */
    public void cut(ResetCode code, String message) {
        closing.resetLocally(code, message, true);
    }

    // ---- driven by the session, on its context ----

    /** Takes over {@code data} unless it throws. */
    void onData(Buffer data, boolean fin) throws ProtocolException {
        inbound.onData(data, fin);
    }

    /**
     * True while a data handler is given the stream's last chunk: the peer has finished and nothing
     * else is buffered. A relay can then end its destination with that chunk in one write. Read on
     * the session's context.
     */
    public boolean atEnd() {
        return inbound.atEnd();
    }

    /** This side sent its last byte with the OPEN or RESPONSE itself. */
    void finishedAtOpen() {
        outbound.finishedAtOpen();
    }

    void onFin() throws ProtocolException {
        inbound.onFin();
    }

    /** The peer's TRAILERS: its fields, then the end as for FIN. */
    void onTrailers(List<Header> fields) throws ProtocolException {
        inbound.onTrailers(fields);
    }

    void onWindow(int increment) throws ProtocolException {
        outbound.onWindow(increment);
    }

    void onResponse(HttpResponseHead head) {
        heads.received(head);
    }

    /** See {@link ResponseHeads#pending()}. */
    boolean responseHeadsPending() {
        return heads.pending();
    }

    /** Delivers the body and end that are ready, to the handlers set. */
    void deliverInbound() {
        inbound.deliver();
    }

    void onReset(ResetCode code, String message) {
        closing.fail(new StreamResetException(code, message), true);
    }

    /** See {@link StreamOutbound#flush()}. */
    void flush() {
        outbound.flush();
    }

    /** Fails the stream because its connection is gone. */
    void connectionClosed(String reason) {
        closing.fail(new StreamResetException(ResetCode.CONNECTION_CLOSED, reason), true);
    }

    /** What this stream's receive window grew beyond its initial size; given back to the session when the stream closes. */
    int windowGrowth() {
        return inbound.windowGrowth();
    }

    /** Closes the stream for good once this side sent its end and the reader got the peer's. */
    void closeIfDone() {
        if (outbound.finSent() && inbound.endDelivered()) {
            closing.finished();
        }
    }

    /** See {@link StreamClosing#fail}. */
    void fail(StreamResetException cause, boolean notify) {
        closing.fail(cause, notify);
    }

    /** The stream failed: what either direction still holds is dropped, and pending writes fail with {@code cause}. */
    void dropPending(StreamResetException cause) {
        inbound.discard();
        heads.clear();
        outbound.fail(cause);
    }

    /** See {@link StreamClosing#failure}. */
    Throwable failure(String state) {
        return closing.failure(state);
    }

    /** See {@link StreamClosing#invoke}. */
    <T> void invoke(Handler<T> handler, T value) {
        closing.invoke(handler, value);
    }

    @Override
    public String toString() {
        return "stream " + Integer.toUnsignedLong(id) + " of tunnel '" + open.tunnel() + "'";
    }
}
