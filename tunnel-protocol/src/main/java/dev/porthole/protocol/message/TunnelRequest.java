package dev.porthole.protocol.message;

import java.util.Objects;

/**
 * One tunnel an agent asks for in its HELLO.
 *
 * @param kind HTTP or TCP
 * @param name the subdomain (HTTP) or private name (TCP) asked for; empty for a random name
 * @param port the public port asked for (TCP); 0 for one from the gateway's range
 * @param privateTunnel true for a tunnel that publishes nothing and that only granted agents may dial
 * @param upstream where the agent forwards, for display only (for example {@code 127.0.0.1:3000})
 * @param policy the rules the gateway applies to the tunnel's visitors ({@link TunnelPolicy#NONE}: none); it
 *     travels only in a HELLO that offers {@link Capabilities#POLICY}
 */
public record TunnelRequest(
        TunnelKind kind, String name, int port, boolean privateTunnel, String upstream, TunnelPolicy policy) {
    public TunnelRequest {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(policy, "policy");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range");
        }
    }

    /** A request without a policy. */
    public TunnelRequest(TunnelKind kind, String name, int port, boolean privateTunnel, String upstream) {
        this(kind, name, port, privateTunnel, upstream, TunnelPolicy.NONE);
    }

    public static TunnelRequest http(String name, String upstream) {
        return new TunnelRequest(TunnelKind.HTTP, name, 0, false, upstream);
    }

    /** The same request with a policy. */
    public TunnelRequest withPolicy(TunnelPolicy rules) {
        return new TunnelRequest(kind, name, port, privateTunnel, upstream, rules);
    }
}
