package dev.porthole.gateway.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/** The limits of one agent session's tunnels; closed with the session. */
public final class SessionLimits {

    private final LimitPolicy policy;
    private final String clientId;
    private final ClientBandwidth client;
    private final Map<String, TunnelLimits> tunnels = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    SessionLimits(LimitPolicy policy, String clientId, ClientBandwidth client) {
        this.policy = policy;
        this.clientId = clientId;
        this.client = client;
    }

    /** The limits of one of the session's tunnels (at most as many as the session holds). */
    public TunnelLimits tunnel(String name) {
        return tunnels.computeIfAbsent(name, ignored -> policy.newTunnel(clientId, name, client));
    }

    /** The session ended: the client's buckets go with its last session. */
    public void close() {
        if (closed.compareAndSet(false, true)) {
            tunnels.clear();
            policy.release(clientId, client);
        }
    }
}
