package dev.porthole.protocol.message;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The gateway's answer to one {@link TunnelRequest}, in the same order as the requests.
 *
 * @param kind HTTP or TCP, as requested
 * @param name the name given (granted) or asked for (refused)
 * @param port the public port given (TCP), else 0
 * @param publicAddress where visitors reach the tunnel: {@code http://name.domain}, {@code tcp://host:port}; empty when refused or private
 * @param status an HTTP-style status: 200 granted, 400 invalid, 403 not allowed, 409 held by someone else, 503 unavailable
 * @param message a sentence for the person running the agent; says what to do when refused
 */
public record TunnelResult(TunnelKind kind, String name, int port, String publicAddress, int status, String message) {

    public static final int GRANTED = 200;
    public static final int INVALID = 400;
    public static final int FORBIDDEN = 403;
    public static final int CONFLICT = 409;
    public static final int UNAVAILABLE = 503;

    public TunnelResult {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(publicAddress, "publicAddress");
        Objects.requireNonNull(message, "message");
    }

    public boolean granted() {
        return status == GRANTED;
    }

    /**
     * What messages call this tunnel: its name, or, for one asked for without a name (a random
     * subdomain, any free port), its kind and what it asked for: {@code http, any name},
     * {@code tcp port 2222}, {@code udp, any port}.
     */
    public String label() {
        if (!name.isEmpty()) {
            return name;
        }
        String kindName = kind.name().toLowerCase(Locale.ROOT);
        if (port > 0) {
            return kindName + " port " + port;
        }
        return kindName + (kind == TunnelKind.HTTP || kind == TunnelKind.TLS ? ", any name" : ", any port");
    }

    /**
     * Whether one of {@code results} was refused for now only ({@link #UNAVAILABLE}): the gateway
     * then serves none of them (grants next to such a refusal are held back, refused with 503 too)
     * and closes with TRY_AGAIN_LATER, so that the agent asks for all of them again after its
     * back-off; a WELCOME without grants and without such a refusal closes with NO_TUNNELS.
     */
    public static boolean tryAgainLater(List<TunnelResult> results) {
        return results.stream().anyMatch(result -> result.status() == UNAVAILABLE);
    }

    public static TunnelResult granted(TunnelKind kind, String name, int port, String publicAddress) {
        return new TunnelResult(kind, name, port, publicAddress, GRANTED, "");
    }

    public static TunnelResult refused(TunnelRequest request, int status, String message) {
        return new TunnelResult(request.kind(), request.name(), request.port(), "", status, message);
    }
}
