package dev.porthole.gateway.cluster;

import io.vertx.core.net.SocketAddress;
import java.util.List;

/** Where the registry says a tunnel not served on this instance is served. */
public sealed interface PeerRoute {

    /** Nobody holds it: answer as a single gateway would. */
    record NotElsewhere() implements PeerRoute {}

    /**
     * The registry names this very instance: a session here has written its claim and binds the
     * tunnel in a moment (or has just bound it).
     */
    record Here() implements PeerRoute {}

    /**
     * Other live instances hold it (more than one for an agent with HA connections), the most
     * recently refreshed first; a request goes to the first that can be reached.
     */
    record Peers(List<Peer> candidates) implements PeerRoute {

        public Peers {
            candidates = List.copyOf(candidates);
            if (candidates.isEmpty()) {
                throw new IllegalArgumentException("no candidate instance");
            }
        }
    }

    /** An instance that holds it, reachable at {@code address}. */
    record Peer(String gatewayId, SocketAddress address) {}

    /** The registry names an instance that no longer publishes an address: it died or stopped, and its names expire soon. */
    record Gone(String gatewayId) implements PeerRoute {}
}
