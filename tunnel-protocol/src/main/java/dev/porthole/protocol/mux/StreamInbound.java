package dev.porthole.protocol.mux;

import dev.porthole.protocol.buffer.Ownership;
import dev.porthole.protocol.frame.ProtocolError;
import dev.porthole.protocol.frame.ProtocolException;
import dev.porthole.protocol.message.Header;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * The receiving half of a {@link MuxStream}: DATA within the credit this side granted, the peer's
 * FIN or trailers, delivery to the reader as it fetches, and credit given back as it consumes.
 * Handlers are set from any thread; everything else runs on the session's context.
 */
final class StreamInbound {

    private final MuxStream stream;
    private final MuxSession session;
    private final ReadQueue queue = new ReadQueue();
    private final ReceiveWindow window;

    private volatile Handler<Buffer> dataHandler;
    private volatile Handler<Void> endHandler;
    private volatile boolean readerTakesOver;
    /** The peer's trailer fields, set before the end is delivered (empty when it ended with a plain FIN). */
    private volatile List<Header> trailers = List.of();

    private boolean remoteFin;
    private boolean endDelivered;
    private long bytesRead;

    StreamInbound(MuxStream stream, MuxSession session, int receiveWindow) {
        this.stream = stream;
        this.session = session;
        this.window = new ReceiveWindow(session.windows(), receiveWindow);
    }

    void dataHandler(Handler<Buffer> handler) {
        this.dataHandler = handler;
    }

    void endHandler(Handler<Void> handler) {
        this.endHandler = handler;
    }

    void readerTakesOver() {
        this.readerTakesOver = true;
    }

    List<Header> trailers() {
        return trailers;
    }

    long bytesRead() {
        return bytesRead;
    }

    boolean endDelivered() {
        return endDelivered;
    }

    /** See {@link MuxStream#atEnd()}. */
    boolean atEnd() {
        return remoteFin && queue.isEmpty();
    }

    void pause() {
        queue.pause();
    }

    void fetch(long amount) {
        queue.fetch(amount);
    }

    /** Takes over {@code data} unless it throws. */
    void onData(Buffer data, boolean fin) throws ProtocolException {
        int id = stream.id();
        if (remoteFin) {
            throw new ProtocolException(ProtocolError.UNEXPECTED_FRAME, "DATA on stream " + id + " after its FIN");
        }
        int length = data.length();
        if (!window.spend(length)) {
            throw new ProtocolException(
                    ProtocolError.FLOW_CONTROL,
                    "DATA of " + length + " bytes on stream " + id + " exceeds the granted credit of "
                            + window.remaining());
        }
        bytesRead += length;
        session.streamData(stream, length, 0);
        if (fin) {
            remoteFin = true;
        }
        if (stream.isClosed() || length == 0) {
            Ownership.release(data);
        } else {
            queue.add(data);
        }
        deliver();
    }

    void onFin() throws ProtocolException {
        if (remoteFin) {
            throw new ProtocolException(ProtocolError.UNEXPECTED_FRAME, "second FIN on stream " + stream.id());
        }
        remoteFin = true;
        deliver();
    }

    /** The peer's TRAILERS: its fields, then the end as for FIN. */
    void onTrailers(List<Header> fields) throws ProtocolException {
        if (remoteFin) {
            throw new ProtocolException(
                    ProtocolError.UNEXPECTED_FRAME, "TRAILERS on stream " + stream.id() + " after its FIN");
        }
        trailers = fields;
        onFin();
    }

    /** Hands the reader what it fetched, then the end once the peer finished and all was read. */
    void deliver() {
        if (stream.responseHeadsPending()) {
            return;
        }
        while (!stream.isClosed() && queue.ready()) {
            Handler<Buffer> handler = dataHandler;
            if (handler == null) {
                return;
            }
            Buffer data = queue.next();
            consumed(data.length());
            stream.invoke(handler, readerTakesOver ? data : Ownership.onHeap(data));
        }
        if (!stream.isClosed() && remoteFin && !endDelivered && queue.isEmpty()) {
            Handler<Void> handler = endHandler;
            if (handler != null) {
                endDelivered = true;
                stream.invoke(handler, null);
                stream.closeIfDone();
            }
        }
    }

    private void consumed(int length) {
        int increment = window.consumed(length, remoteFin);
        if (increment > 0) {
            session.frames().window(stream.id(), increment);
        }
    }

    /** What the receive window grew beyond its initial size. */
    int windowGrowth() {
        return window.growth();
    }

    /** Releases what was received and not read; the stream is closed. */
    void discard() {
        queue.discard();
    }
}
