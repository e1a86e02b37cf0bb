package dev.porthole.gateway.registry;

import java.util.Objects;

/**
 * What a registry entry is about: an HTTP name, a public TCP port or a private tunnel name. Each
 * kind has its own key space in Redis ({@code route:http:<name>}, {@code route:tcp:<port>},
 * {@code route:private:<name>}, {@code route:tls:<name>}, {@code route:udp:<port>}), so an HTTP tunnel and a private tunnel may share a name.
 *
 * @param kind {@code http}, {@code tcp}, {@code private}, {@code tls} or {@code udp}
 * @param id the name, or the port number
 */
public record TunnelKey(String kind, String id) {

    public TunnelKey {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
    }

    public static TunnelKey http(String name) {
        return new TunnelKey("http", name);
    }

    public static TunnelKey tcpPort(int port) {
        return new TunnelKey("tcp", String.valueOf(port));
    }

    /** A public UDP port ({@code route:udp:<port>}); its reservation is the TCP port's, since one grant covers both. */
    public static TunnelKey udpPort(int port) {
        return new TunnelKey("udp", String.valueOf(port));
    }

    /** A TLS passthrough tunnel's name ({@code route:tls:<name>}), served for SNI {@code <name>.<domain>}. */
    public static TunnelKey tls(String name) {
        return new TunnelKey("tls", name);
    }

    public static TunnelKey privateTunnel(String name) {
        return new TunnelKey("private", name);
    }

    /**
     * The id of its reservation by auth-service ({@code reservation:<id>}): the name, or {@code tcp:<port>}
     * for a port granted by number (a name holds no colon, so the two never meet).
     */
    public String reservationId() {
        return kind.equals("tcp") || kind.equals("udp") ? "tcp:" + id : id;
    }

    @Override
    public String toString() {
        return kind + ":" + id;
    }
}
