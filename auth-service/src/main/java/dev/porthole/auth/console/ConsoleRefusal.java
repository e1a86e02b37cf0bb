package dev.porthole.auth.console;

/** A console request refused before it changed anything, with the sentence the operator sees. */
public final class ConsoleRefusal extends RuntimeException {

    private final int status;

    public ConsoleRefusal(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
