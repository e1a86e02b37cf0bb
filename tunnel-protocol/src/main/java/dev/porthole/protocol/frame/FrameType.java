package dev.porthole.protocol.frame;

/**
 * Every frame type of the Porthole wire protocol, with its one-byte code.
 *
 * <p>Connection frames travel on stream 0; stream frames on a stream id greater than 0. Adding a
 * frame type means one constant here and, for a control message, one record in
 * {@link dev.porthole.protocol.message}.
 */
public enum FrameType {
    /** Agent to gateway, first frame after the upgrade: versions, capabilities, tunnel claims. */
    HELLO(0x01, Scope.CONNECTION),
    /** Gateway to agent, answer to HELLO: chosen version, session id, granted and refused tunnels. */
    WELCOME(0x02, Scope.CONNECTION),
    /** Gateway to agent, any time: heartbeat timing and limits that apply from now on. */
    CONFIG(0x03, Scope.CONNECTION),
    /** Either side: something a person should read (a session about to expire, a limit reached). */
    NOTICE(0x04, Scope.CONNECTION),
    /** Either side: the sender will close this connection; the peer should reconnect elsewhere. */
    GOAWAY(0x05, Scope.CONNECTION),
    /** Either side: a heartbeat carrying the sender's timestamp. */
    PING(0x06, Scope.CONNECTION),
    /** Either side: the answer to PING, echoing its timestamp. */
    PONG(0x07, Scope.CONNECTION),
    /**
     * Either side, only after both announced {@code udp}: one UDP datagram of a flow (a visitor's
     * address and port); never flow controlled, dropped rather than queued. Not a control message.
     */
    DATAGRAM(0x08, Scope.CONNECTION),

    /** Opens a stream for one visitor: the tunnel, the source address and, for HTTP, the request head. */
    OPEN(0x10, Scope.STREAM),
    /** Agent to gateway: the upstream's HTTP response head for an HTTP stream. */
    RESPONSE(0x11, Scope.STREAM),
    /** Stream bytes; never passes through the control-message dispatcher. */
    DATA(0x12, Scope.STREAM),
    /** Grants the peer more bytes of credit on a stream. */
    WINDOW(0x13, Scope.STREAM),
    /** The sender will send no more DATA on this stream (half-close). */
    FIN(0x14, Scope.STREAM),
    /** Aborts a stream in both directions, with a reason code. */
    RST(0x15, Scope.STREAM),
    /**
     * The sender's HTTP trailer fields; like FIN, no more DATA follows. Sent only when both sides
     * announced {@link dev.porthole.protocol.message.Capabilities#TRAILERS}.
     */
    TRAILERS(0x16, Scope.STREAM);

    /** Whether a frame type belongs to the connection (stream 0) or to one stream. */
    public enum Scope {
        CONNECTION,
        STREAM
    }

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;
    private final Scope scope;

    FrameType(int code, Scope scope) {
        this.code = code;
        this.scope = scope;
    }

    /** Flag bits this frame type may carry. */
    public int allowedFlags() {
        return switch (this) {
            case OPEN, RESPONSE, DATA -> Frame.FLAG_FIN;
            default -> 0;
        };
    }

    public int code() {
        return code;
    }

    public Scope scope() {
        return scope;
    }

    /** Looks up a type by its wire code. */
    public static FrameType fromCode(int code) throws ProtocolException {
        FrameType type = (code >= 0 && code < BY_CODE.length) ? BY_CODE[code] : null;
        if (type == null) {
            throw new ProtocolException(ProtocolError.UNKNOWN_FRAME_TYPE, "unknown frame type 0x%02x".formatted(code));
        }
        return type;
    }
}
