package dev.porthole.protocol.mux;

import dev.porthole.protocol.message.ResetCode;

/** A stream ended abnormally: the peer reset it, or the tunnel connection went away. */
public final class StreamResetException extends RuntimeException {

    private final ResetCode code;

    public StreamResetException(ResetCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ResetCode code() {
        return code;
    }
}
