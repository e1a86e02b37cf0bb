package dev.porthole.protocol.message;

/** What a tunnel carries, with its wire code. */
public enum TunnelKind {
    /** HTTP requests routed by host name or path prefix. */
    HTTP(1),
    /** Raw TCP connections on a public port, or on no public port when the tunnel is private. */
    TCP(2);

    private final int code;

    TunnelKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    static TunnelKind fromCode(int code, PayloadReader reader) throws dev.porthole.protocol.frame.ProtocolException {
        for (TunnelKind kind : values()) {
            if (kind.code == code) {
                return kind;
            }
        }
        throw reader.bad("unknown tunnel kind " + code);
    }
}
