package dev.porthole.agent.tunnel;

/**
 * How and why the agent stopped, with the process exit code scripts can test.
 *
 * @param code the exit code
 * @param message a sentence for the person running the agent
 */
public record AgentExit(int code, String message) {

    /** Stopped on request (Ctrl-C, SIGTERM). */
    public static final int NORMAL = 0;
    /** The gateway refused the credentials (missing, wrong, revoked, disabled). */
    public static final int AUTH_FAILED = 3;
    /** No requested tunnel could be granted (name taken, not allowed, invalid). */
    public static final int TUNNEL_REFUSED = 4;
    /** The gateway could not be reached within the retry budget. */
    public static final int UNREACHABLE = 5;
    /** The command line or configuration is invalid. */
    public static final int CONFIG_ERROR = 6;
    /** The session ended for good: it expired, was kicked or replaced. */
    public static final int SESSION_ENDED = 7;
    /** Agent and gateway share no protocol version. */
    public static final int INCOMPATIBLE = 8;
    /** The gateway's TLS certificate did not verify (untrusted, expired, another host's, not the pinned key). */
    public static final int TLS_UNVERIFIED = 9;

    public static AgentExit normal() {
        return new AgentExit(NORMAL, "stopped");
    }
}
