package dev.porthole.gateway.auth;

/**
 * An agent's handshake is refused. The status goes back as the HTTP status of the upgrade
 * response and the reason as its body, which the agent prints as it is.
 */
public final class AgentRejectedException extends RuntimeException {

    private final int status;
    private final long retryAfterSeconds;

    public AgentRejectedException(int status, String reason) {
        this(status, reason, 0);
    }

    public AgentRejectedException(int status, String reason, long retryAfterSeconds) {
        super(reason, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    /** Seconds the agent should wait before trying again, or 0 when unspecified. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
