package dev.porthole.protocol.message;

/** What a tunnel carries, with its wire code. */
public enum TunnelKind {
    /** HTTP requests routed by host name or path prefix. */
    HTTP(1),
    /** Raw TCP connections on a public port, or on no public port when the tunnel is private. */
    TCP(2),
    /**
     * TLS connections routed by the ClientHello's SNI name on the gateway's passthrough listener,
     * unopened: TLS ends at the local service. Only in a HELLO that offers {@link Capabilities#TLS}.
     */
    TLS(3),
    /**
     * UDP datagrams on a public UDP port, one flow per visitor address and port, or on no public port
     * when the tunnel is private. Only in a HELLO that offers {@link Capabilities#UDP}.
     */
    UDP(4);

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
