package dev.porthole.gateway.limits;

import java.util.HashMap;
import java.util.Map;

/** The limits of one agent session's tunnels; closed with the session. */
public final class SessionLimits {

    private final LimitPolicy policy;
    private final String clientId;
    private final ClientBandwidth client;
    /**
     * Copied on write: a session holds a handful of tunnels that are added once and read on every
     * request, and an idle session should not pay for a concurrent map (issue 19's memory per tunnel).
     */
    private volatile Map<String, TunnelLimits> tunnels = Map.of();

    private boolean closed;

    SessionLimits(LimitPolicy policy, String clientId, ClientBandwidth client) {
        this.policy = policy;
        this.clientId = clientId;
        this.client = client;
    }

    /** The limits of one of the session's tunnels (at most as many as the session holds). */
    public TunnelLimits tunnel(String name) {
        TunnelLimits found = tunnels.get(name);
        return found != null ? found : added(name);
    }

    private synchronized TunnelLimits added(String name) {
        TunnelLimits found = tunnels.get(name);
        if (found == null) {
            found = policy.newTunnel(clientId, name, client);
            Map<String, TunnelLimits> more = new HashMap<>(tunnels);
            more.put(name, found);
            tunnels = Map.copyOf(more);
        }
        return found;
    }

    /** The session ended: the client's buckets go with its last session. */
    public synchronized void close() {
        if (!closed) {
            closed = true;
            tunnels = Map.of();
            policy.release(clientId, client);
        }
    }
}
