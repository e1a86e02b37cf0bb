package dev.porthole.protocol.frame;

/**
 * A peer broke the wire protocol. Always fatal for the connection: the receiver closes it with
 * {@link dev.porthole.protocol.CloseCode#PROTOCOL_ERROR} and the message as the close reason.
 */
public final class ProtocolException extends Exception {

    private final ProtocolError error;

    public ProtocolException(ProtocolError error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    public ProtocolError error() {
        return error;
    }
}
