package dev.porthole.protocol.mux;

import dev.porthole.protocol.frame.Frame;
import dev.porthole.protocol.frame.ProtocolError;
import dev.porthole.protocol.frame.ProtocolException;
import dev.porthole.protocol.message.Datagram;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The DATAGRAM lane of a {@link MuxSession}: UDP datagrams, which no stream window governs. A
 * datagram is sent only while the connection's write queue is below its bound, and dropped (and
 * counted) otherwise, so that a UDP flood never holds back the streams' DATA; UDP may lose
 * datagrams, a stream may not lose bytes. Both sides must have announced {@code udp}: a DATAGRAM
 * that arrives before this side {@link #receiveWith took datagrams} closes the connection.
 */
public final class Datagrams {

    /** What became of a datagram handed to {@link #send}. */
    public enum Outcome {
        SENT,
        /** The connection's write queue was full: dropped, so that streams keep moving. */
        QUEUE_FULL,
        /** Larger than the peer's largest frame. */
        TOO_LARGE,
        /** The connection is closed, or datagrams were not agreed on. */
        CLOSED
    }

    /** Why a DATAGRAM before this side took datagrams closes the connection. */
    static final String NOT_AGREED = "DATAGRAM on a connection that did not agree on udp";

    private final MuxSession session;
    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private volatile boolean sending;
    private volatile Consumer<Datagram> handler;

    Datagrams(MuxSession session) {
        this.session = session;
    }

    /**
     * Takes the peer's datagrams from now on, on the session's context; their payloads are this side's
     * own copies. Also allows sending: call once both sides announced {@code udp}.
     */
    public void receiveWith(Consumer<Datagram> handler) {
        this.handler = handler;
        this.sending = true;
    }

    /**
     * Sends a datagram now, or drops it and says why. On the session's context the outcome is exact;
     * from another thread the datagram is moved there and {@link Outcome#SENT} means only "handed on"
     * (a drop there is still counted).
     */
    public Outcome send(Datagram datagram) {
        if (Vertx.currentContext() != session.context()) {
            session.onContext(() -> send(datagram));
            return Outcome.SENT;
        }
        Outcome outcome = trySend(datagram);
        if (outcome == Outcome.SENT) {
            sent.increment();
        } else {
            dropped.increment();
        }
        return outcome;
    }

    /**
     * Sends a datagram now or drops it, and tells {@code outcome} which once it is known: at once on
     * the session's context, after the move there from another thread. What a caller that counts
     * datagrams uses, so that a datagram dropped after the move is never counted as sent.
     */
    public void send(Datagram datagram, Consumer<Outcome> outcome) {
        if (Vertx.currentContext() != session.context()) {
            session.onContext(() -> outcome.accept(send(datagram)));
            return;
        }
        outcome.accept(send(datagram));
    }

    private Outcome trySend(Datagram datagram) {
        if (!sending || session.isClosed()) {
            return Outcome.CLOSED;
        }
        if (datagram.encodedSize() > session.maxDataPayload() + Frame.HEADER_SIZE) {
            return Outcome.TOO_LARGE;
        }
        if (session.frames().full()) {
            return Outcome.QUEUE_FULL;
        }
        session.frames().frame(datagram.encode());
        return Outcome.SENT;
    }

    /**
     * The connection's context: a UDP socket whose datagrams go out on this lane reads on its event
     * loop, so that each datagram is framed and written in the turn that read it.
     */
    public Context context() {
        return session.context();
    }

    /** Datagrams sent to the peer. */
    public long sent() {
        return sent.sum();
    }

    /** Datagrams received from the peer. */
    public long received() {
        return received.sum();
    }

    /** Datagrams this side dropped instead of sending. */
    public long dropped() {
        return dropped.sum();
    }

    /** A DATAGRAM frame arrived (on the context); the caller releases the frame's message. */
    void receive(Frame frame) throws ProtocolException {
        Consumer<Datagram> current = handler;
        if (current == null) {
            throw new ProtocolException(ProtocolError.UNEXPECTED_FRAME, NOT_AGREED);
        }
        Datagram datagram = Datagram.decode(frame);
        received.increment();
        current.accept(new Datagram(
                datagram.flowId(),
                datagram.tunnel(),
                Buffer.buffer(datagram.payload().getBytes())));
    }
}
