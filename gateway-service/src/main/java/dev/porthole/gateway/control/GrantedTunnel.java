package dev.porthole.gateway.control;

import dev.porthole.protocol.message.TunnelKind;

/** A tunnel an agent session holds. */
record GrantedTunnel(TunnelKind kind, String name, String publicAddress) {

    String kindName() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
