package dev.porthole.protocol.mux;

import dev.porthole.protocol.message.ConnectionMessage;
import dev.porthole.protocol.message.Open;

/** What the owner of a {@link MuxSession} (the gateway's agent session, or the agent) reacts to. */
public interface MuxListener {

    /**
     * The peer opened a stream. Set the stream's handlers, or reset it; until a data handler is set,
     * its DATA waits in the stream's bounded buffer.
     */
    void onOpen(MuxStream stream, Open open);

    /** A connection message other than PING and PONG, which the session answers itself. */
    void onMessage(ConnectionMessage message);

    /**
     * DATA bytes moved on a stream: {@code received} from the peer or {@code sent} to it (one of them
     * is zero). Called on the session's context for every DATA frame, so it must be cheap.
     */
    default void onStreamData(MuxStream stream, int received, int sent) {}

    /**
     * The last open stream closed: none is open now. On the session's context; not called while the
     * connection ends (see {@link #onClosed}).
     */
    default void onStreamsClosed() {}

    /** The connection ended; called once, after every stream was failed. */
    void onClosed(int code, String reason);
}
