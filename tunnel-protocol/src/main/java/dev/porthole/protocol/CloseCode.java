package dev.porthole.protocol;

/**
 * WebSocket close codes that a gateway or agent uses to end a tunnel connection, and whether the
 * agent should connect again afterwards.
 */
public enum CloseCode {
    /** Orderly end, asked for by the agent (Ctrl-C) or the gateway. */
    NORMAL(1000, false),
    /** The gateway is shutting down or draining; connect again (to another instance). */
    GOING_AWAY(1001, true),
    /** The peer broke the wire protocol; the reason names the rule. */
    PROTOCOL_ERROR(1002, true),
    /** A dependency (such as the tunnel registry) is unavailable for now; connect again after a back-off. */
    TRY_AGAIN_LATER(1013, true),
    /** No PONG (or other frame) arrived within the heartbeat timeout. */
    HEARTBEAT_TIMEOUT(4000, true),
    /** A newer session of the same client took over this session's tunnels. */
    SESSION_REPLACED(4001, false),
    /** The session reached the end of its allowed lifetime (public sessions). */
    SESSION_EXPIRED(4002, false),
    /** An administrator ended the session. */
    KICKED(4003, false),
    /** Agent and gateway share no protocol version. */
    UNSUPPORTED_VERSION(4004, false),
    /** The client's credentials are no longer valid: disabled, deleted, or the token was revoked. */
    CREDENTIALS_REVOKED(4005, false),
    /** None of the tunnels the agent asked for could be granted. */
    NO_TUNNELS(4006, false);

    private final int code;
    private final boolean reconnect;

    CloseCode(int code, boolean reconnect) {
        this.code = code;
        this.reconnect = reconnect;
    }

    public int code() {
        return code;
    }

    /** Whether an agent that sees this code should connect again. */
    public boolean reconnect() {
        return reconnect;
    }

    /** The constant for a received code, or null for a code this version does not define. */
    public static CloseCode fromCode(int code) {
        for (CloseCode value : values()) {
            if (value.code == code) {
                return value;
            }
        }
        return null;
    }
}
