package dev.porthole.protocol.mux;

import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.frame.ProtocolException;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * How a {@link MuxSession} ends, once: closed by this side, by the peer or the network, or for a
 * broken protocol rule (with one log line while the budget allows); every open stream then fails
 * and the listener hears {@code onClosed}. Whether it ended is readable from any thread; the ending
 * itself runs on the session's context.
 */
final class SessionEnd {

    /** MuxSession's category, which operators already filter these lines by. */
    private static final Logger LOG = Logger.getLogger(MuxSession.class);

    private final MuxSession session;
    private final FrameTransport transport;
    private final Heartbeat heartbeat;
    private final StreamTable streams;
    private final PendingFlushes flushes;
    private volatile boolean closed;
    private volatile BooleanSupplier protocolErrorLog = () -> true;

    SessionEnd(
            MuxSession session,
            FrameTransport transport,
            Heartbeat heartbeat,
            StreamTable streams,
            PendingFlushes flushes) {
        this.session = session;
        this.transport = transport;
        this.heartbeat = heartbeat;
        this.streams = streams;
        this.flushes = flushes;
    }

    boolean isClosed() {
        return closed;
    }

    /** See {@link MuxSession#logProtocolErrorsWhile}. */
    void logProtocolErrorsWhile(BooleanSupplier allowed) {
        this.protocolErrorLog = allowed;
    }

    /** Closes the transport with {@code code}, then ends the session. */
    void close(CloseCode code, String reason) {
        session.onContext(() -> {
            if (closed) {
                return;
            }
            transport.close(code, reason);
            shutDown(code.code(), reason);
        });
    }

    /** The peer or the network closed the transport. */
    void transportClosed(int code, String reason) {
        session.onContext(
                () -> shutDown(code, reason == null || reason.isEmpty() ? "connection closed (" + code + ")" : reason));
    }

    /** One log line and a close with {@link CloseCode#PROTOCOL_ERROR} naming the rule. */
    void protocolError(ProtocolException e) {
        if (closed) {
            return;
        }
        if (protocolErrorLog.getAsBoolean()) {
            LOG.warnf("closing tunnel connection: protocol error %s: %s", e.error(), e.getMessage());
        }
        String reason = e.error() + ": " + e.getMessage();
        session.onContext(() -> {
            if (!closed) {
                transport.abort(CloseCode.PROTOCOL_ERROR, reason);
                shutDown(CloseCode.PROTOCOL_ERROR.code(), reason);
            }
        });
    }

    private void shutDown(int code, String reason) {
        if (closed) {
            return;
        }
        closed = true;
        heartbeat.stop();
        List<MuxStream> open = streams.clear();
        flushes.clear();
        for (MuxStream stream : open) {
            stream.connectionClosed("the tunnel connection closed: " + reason);
        }
        MuxListener current = session.listenerIfSet();
        if (current != null) {
            current.onClosed(code, reason);
        }
    }
}
