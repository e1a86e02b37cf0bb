package dev.porthole.gateway.cluster;

import io.vertx.core.net.SocketAddress;

/** Where the registry says a tunnel not served on this instance is served. */
public sealed interface PeerRoute {

    /** Nobody holds it: answer as a single gateway would. */
    record NotElsewhere() implements PeerRoute {
    }

    /**
     * The registry names this very instance: a session here has written its claim and binds the
     * tunnel in a moment (or has just bound it).
     */
    record Here() implements PeerRoute {
    }

    /** Another live instance holds it, reachable at {@code address}. */
    record Peer(String gatewayId, SocketAddress address) implements PeerRoute {
    }

    /** The registry names an instance that no longer publishes an address: it died or stopped, and its names expire soon. */
    record Gone(String gatewayId) implements PeerRoute {
    }
}
