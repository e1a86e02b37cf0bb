package dev.porthole.protocol.event;

/** A stream entry that is not a valid event of a version this build reads. */
public final class MalformedEventException extends Exception {
    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }

    public MalformedEventException(String message) {
        super(message);
    }
}
