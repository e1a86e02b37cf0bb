package dev.porthole.protocol.message;

/** The capability strings of HELLO and WELCOME: optional features, so that old and new peers keep talking. */
public final class Capabilities {

    /** HTTP tunnels. */
    public static final String HTTP = "http";
    /** Public TCP tunnels. */
    public static final String TCP = "tcp";
    /** Private TCP tunnels and dialing them. */
    public static final String PRIVATE = "private";
    /**
     * In HELLO: this connection is one of the agent's HA connections (same agent id), which hold its
     * HTTP names together instead of taking them over from each other. In WELCOME: the gateway
     * registers it so.
     */
    public static final String HA = "ha";
    /**
     * In HELLO, with {@link #HA}: this connection is one lane of the agent's pool, several connections to
     * the same gateway instance whose lane number travels in the {@code X-Porthole-Lane} header of the
     * upgrade (0 without it). In WELCOME: the gateway spreads the streams of the agent's HTTP names over
     * its lanes bound there, one session per lane (the one bound last).
     */
    public static final String POOL = "pool";
    /**
     * In HELLO: the agent can stop masking its WebSocket frames. In WELCOME: the gateway takes them
     * unmasked, so the agent stops masking after WELCOME (see {@code WebSocketTransport}).
     */
    public static final String UNMASKED = "unmasked";
    /**
     * In HELLO: every tunnel request carries a {@link TunnelPolicy} after its other fields (the
     * layout of HELLO's tunnel list depends on it). An agent offers it only when one of its tunnels
     * has a policy, so that a gateway that predates policies refuses such a HELLO (trailing bytes)
     * rather than serving the tunnel unprotected, and reads an ordinary HELLO as before. In WELCOME:
     * the gateway enforces the policies.
     */
    public static final String POLICY = "policy";
    /**
     * In HELLO, with {@link #POLICY}: each policy is followed by its OIDC login ({@code PolicyCodec}).
     * Offered only when a tunnel asks for a login, so that a gateway that predates it refuses the
     * HELLO (trailing bytes) rather than serving the tunnel without the login. In WELCOME: the
     * gateway enforces the logins.
     */
    public static final String OIDC = "policy-oidc";

    /**
     * In HELLO: the agent asks for TLS passthrough tunnels ({@link TunnelKind#TLS}). An agent offers
     * it only when it asks for one, so that a gateway that predates them closes such a HELLO (unknown
     * tunnel kind) and reads every other HELLO as before. In WELCOME: the gateway routes them.
     */
    public static final String TLS = "tls";

    /**
     * In HELLO: the agent asks for UDP tunnels ({@link TunnelKind#UDP}) and takes DATAGRAM frames. An
     * agent offers it only when it asks for one, so that a gateway that predates them closes such a
     * HELLO (unknown tunnel kind). In WELCOME: the gateway carries datagrams; DATAGRAM frames flow
     * only when both sides listed it.
     */
    public static final String UDP = "udp";

    /**
     * In HELLO and WELCOME: the sender reads TRAILERS ({@link Trailers}) and the gateway passes
     * {@code TE: trailers} on. Trailers travel only when both sides announced it; towards an older
     * peer a message that had trailers ends with a plain FIN, as before.
     */
    public static final String TRAILERS = "trailers";

    private Capabilities() {}
}
