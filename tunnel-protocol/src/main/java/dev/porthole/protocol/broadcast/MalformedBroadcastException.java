package dev.porthole.protocol.broadcast;

/** A message on the control channel that is not a broadcast of a version this build reads. */
public final class MalformedBroadcastException extends Exception {
    public MalformedBroadcastException(String message, Throwable cause) {
        super(message, cause);
    }

    public MalformedBroadcastException(String message) {
        super(message);
    }
}
