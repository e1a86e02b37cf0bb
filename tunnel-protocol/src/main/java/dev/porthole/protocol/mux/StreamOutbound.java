package dev.porthole.protocol.mux;

import dev.porthole.protocol.buffer.Ownership;
import dev.porthole.protocol.frame.ProtocolError;
import dev.porthole.protocol.frame.ProtocolException;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.ResetCode;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * The sending half of a {@link MuxStream}: written bytes wait in a bounded {@link WriteQueue} and
 * leave as DATA only while the peer has granted credit, then the end (FIN, or TRAILERS in its place)
 * once all was sent. Handlers and writes come from any thread; everything else runs on the
 * session's context.
 */
final class StreamOutbound {

    private final MuxStream stream;
    private final MuxSession session;
    private final WriteQueue queue;
    private volatile Handler<Void> drainHandler;

    // Confined to the session's context.
    private long sendCredit;
    private boolean finQueued;
    private boolean finSent;
    private Promise<Void> endPromise;
    /** Trailer fields to send in place of FIN (null: a plain FIN). */
    private List<Header> trailersToSend;

    private long bytesWritten;

    StreamOutbound(MuxStream stream, MuxSession session, int sendCredit, MuxSettings settings) {
        this.stream = stream;
        this.session = session;
        this.sendCredit = sendCredit;
        this.queue = new WriteQueue(settings);
    }

    long bytesWritten() {
        return bytesWritten;
    }

    boolean finSent() {
        return finSent;
    }

    /** Takes over {@code data}: queues it for sending, or releases it and fails {@code handler}. */
    void write(Buffer data, Handler<AsyncResult<Void>> handler) {
        int length = data.length();
        if (length == 0) {
            Ownership.release(data);
            WriteQueue.succeed(handler);
            return;
        }
        long queued = queue.admit(length);
        if (queued > queue.hardLimit()) {
            queue.refuse(length);
            Ownership.release(data);
            String reason = "writer queued " + queued + " bytes, past the limit of " + queue.hardLimit()
                    + " (it ignored writeQueueFull)";
            stream.reset(ResetCode.STREAM_ERROR, reason);
            WriteQueue.fail(handler, new StreamResetException(ResetCode.STREAM_ERROR, reason));
            return;
        }
        session.onContext(() -> {
            if (stream.isClosed() || finQueued) {
                queue.refuse(length);
                Ownership.release(data);
                WriteQueue.fail(handler, stream.failure("is closed for writing"));
                return;
            }
            queue.add(data, handler);
            session.scheduleFlush(stream);
        });
    }

    void end(Handler<AsyncResult<Void>> handler) {
        session.onContext(() -> {
            if (stream.isClosed()) {
                WriteQueue.fail(handler, stream.failure("is closed"));
                return;
            }
            if (!finQueued) {
                finQueued = true;
                endPromise = Promise.promise();
                session.scheduleFlush(stream);
            }
            if (handler != null) {
                endPromise.future().onComplete(handler);
            }
        });
    }

    /** Sends {@code fields} in place of the FIN, unless the end is already queued. */
    void endWith(List<Header> fields) {
        session.onContext(() -> {
            if (!finQueued && !stream.isClosed()) {
                trailersToSend = List.copyOf(fields);
            }
        });
    }

    /** This side sent its last byte with the OPEN or RESPONSE itself. */
    void finishedAtOpen() {
        finQueued = true;
        finSent = true;
        endPromise = Promise.promise();
        endPromise.complete();
    }

    void maxSize(int maxSize) {
        queue.maxSize(maxSize);
    }

    boolean full() {
        return queue.full();
    }

    void drainHandler(Handler<Void> handler) {
        this.drainHandler = handler;
        // A writer registers a drain handler because it saw the queue full; re-arm so that a drain
        // that raced with the registration (or cleared the flag for an earlier handler) still fires.
        queue.writerWaits();
        session.onContext(this::maybeDrain);
    }

    void onWindow(int increment) throws ProtocolException {
        sendCredit += increment;
        if (sendCredit > Integer.MAX_VALUE) {
            throw new ProtocolException(
                    ProtocolError.FLOW_CONTROL, "credit on stream " + stream.id() + " grew beyond 2^31-1");
        }
        flush();
    }

    /** Sends what credit and the transport allow; called again on WINDOW and when the transport drains. */
    void flush() {
        int id = stream.id();
        while (!stream.isClosed() && !queue.isEmpty() && sendCredit > 0) {
            if (session.frames().full()) {
                session.waitForTransport(stream);
                return;
            }
            int chunk = (int) Math.min(Math.min(queue.headRemaining(), sendCredit), session.maxDataPayload());
            boolean last = finQueued && !finSent && trailersToSend == null && queue.onlyHead(chunk);
            session.frames().data(id, queue.take(chunk), last);
            if (last) {
                finSent = true;
            }
            sendCredit -= chunk;
            bytesWritten += chunk;
            session.streamData(stream, 0, chunk);
            queue.releaseSentHead();
        }
        if (!stream.isClosed() && finQueued && queue.isEmpty()) {
            if (!finSent) {
                finSent = true;
                if (trailersToSend != null) {
                    session.frames().trailers(id, trailersToSend);
                } else {
                    session.frames().fin(id);
                }
            }
            endPromise.tryComplete();
            stream.closeIfDone();
        }
        maybeDrain();
    }

    private void maybeDrain() {
        Handler<Void> handler = drainHandler;
        if (handler != null && queue.drained()) {
            stream.invoke(handler, null);
        }
    }

    /** Fails every pending write and the end: the stream ended before they could be sent. */
    void fail(StreamResetException cause) {
        queue.failAll(cause);
        if (endPromise != null) {
            endPromise.tryFail(cause);
        }
    }
}
