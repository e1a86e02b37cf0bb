package dev.porthole.protocol.frame;

/**
 * A peer broke the wire protocol. Fatal for the connection: the receiver closes it with
 * {@link dev.porthole.protocol.CloseCode#PROTOCOL_ERROR} and the message as the close reason; only a
 * {@link ProtocolError#MALFORMED_HEAD} fails just the stream it names ({@link #streamId()}).
 */
public final class ProtocolException extends Exception {

    private final ProtocolError error;
    private final int streamId;

    public ProtocolException(ProtocolError error, String message) {
        this(error, 0, message);
    }

    /** A rule broken on one stream; {@code streamId} 0 means the connection. */
    public ProtocolException(ProtocolError error, int streamId, String message) {
        super(message, null, false, false);
        this.error = error;
        this.streamId = streamId;
    }

    /** The stream the broken rule concerns, for {@link ProtocolError#MALFORMED_HEAD}; 0 otherwise. */
    public int streamId() {
        return streamId;
    }

    public ProtocolError error() {
        return error;
    }
}
