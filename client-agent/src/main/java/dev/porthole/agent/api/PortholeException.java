package dev.porthole.agent.api;

import dev.porthole.agent.tunnel.AgentExit;
import java.io.IOException;

/**
 * The tunnel could not be had or ended for good: the gateway refused it (its reason is the
 * message), refused the credentials, or could not be reached. {@link #exitCode()} is the code the
 * CLI agent exits with for the same cause ({@code 4}: tunnel refused, {@code 3}: credentials).
 */
public final class PortholeException extends IOException {

    private final int exitCode;

    PortholeException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    static PortholeException of(AgentExit exit) {
        return new PortholeException(exit.code(), exit.message());
    }

    /** The CLI agent's exit code for this cause (see {@link AgentExit}). */
    public int exitCode() {
        return exitCode;
    }
}
