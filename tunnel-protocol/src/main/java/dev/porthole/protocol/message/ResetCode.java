package dev.porthole.protocol.message;

import dev.porthole.protocol.frame.ProtocolException;

/** Why a stream was reset, with its wire code. */
public enum ResetCode {
    /** The sender no longer needs the stream (the visitor went away). */
    CANCEL(1),
    /** The agent could not connect to the upstream. */
    UPSTREAM_REFUSED(2),
    /** The upstream did not answer in time. */
    UPSTREAM_TIMEOUT(3),
    /** The upstream broke the connection or sent something unusable. */
    UPSTREAM_ERROR(4),
    /** No tunnel of that name on this connection. */
    NO_SUCH_TUNNEL(5),
    /** The opener may not use this tunnel. */
    FORBIDDEN(6),
    /** A limit was reached (streams, connections, bytes). */
    LIMIT_REACHED(7),
    /** The stream was idle for longer than allowed. */
    IDLE_TIMEOUT(8),
    /** The stream broke a rule, such as writing more than its buffer allows. */
    STREAM_ERROR(9),
    /** The sender is shutting down. */
    SHUTDOWN(10),
    /** An unexpected failure in the sender. */
    INTERNAL(11),
    /** The tunnel connection carrying the stream closed. */
    CONNECTION_CLOSED(12);

    private final int code;

    ResetCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    static ResetCode fromCode(int code, PayloadReader reader) throws ProtocolException {
        for (ResetCode value : values()) {
            if (value.code == code) {
                return value;
            }
        }
        throw reader.bad("unknown reset code " + code);
    }
}
