package dev.porthole.gateway.control;

import dev.porthole.gateway.registry.TunnelKey;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelResult;

/** A tunnel an agent session holds: an HTTP name, a public TCP port (port > 0), a private tunnel (TCP, port 0) a TLS passthrough name, a public UDP port
 * (port > 0) or a private UDP tunnel (UDP, port 0). */
record GrantedTunnel(TunnelKind kind, String name, int port, String publicAddress) {

    static GrantedTunnel of(TunnelResult result) {
        return new GrantedTunnel(result.kind(), result.name(), result.port(), result.publicAddress());
    }

    /** Its entry in the registry. */
    TunnelKey key() {
        if (kind == TunnelKind.HTTP) {
            return TunnelKey.http(name);
        }
        if (kind == TunnelKind.UDP) {
            return port > 0 ? TunnelKey.udpPort(port) : TunnelKey.privateTunnel(name);
        }
        if (kind == TunnelKind.TLS) {
            return TunnelKey.tls(name);
        }
        return port > 0 ? TunnelKey.tcpPort(port) : TunnelKey.privateTunnel(name);
    }

    String kindName() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
