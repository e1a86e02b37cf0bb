package dev.porthole.gateway.registry;

import dev.porthole.gateway.limits.TunnelLimits;
import dev.porthole.gateway.policy.EdgePolicy;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.mux.Datagrams;
import dev.porthole.protocol.mux.MuxStream;

/** The live agent session behind a tunnel: what the ingress needs to reach it. */
public interface TunnelOwner {

    String sessionId();

    String clientId();

    /** Opens a stream to the agent for one visitor; {@code fin} when the request has no body to follow. */
    MuxStream openStream(String tunnel, String source, HttpRequestHead request, boolean fin);

    /** The agent connection's datagram lane, for its UDP tunnels; null for an owner that carries none. */
    default Datagrams datagrams() {
        return null;
    }

    /** The lane of its agent's pool this session is, or null for a session that is no pool's. */
    default PoolLane poolLane() {
        return null;
    }

    /**
     * Whether the calling thread is the event loop this session's connection runs on. Of a pool's lanes,
     * the one on the visitor's event loop serves its requests: neither the request nor its response then
     * changes threads at the gateway.
     */
    default boolean onCallersEventLoop() {
        return false;
    }

    /** The limits visitors of one of its tunnels meet. */
    TunnelLimits limits(String tunnel);

    /** The edge policy the agent asked for one of its HTTP tunnels; {@link EdgePolicy#NONE} for none. */
    default EdgePolicy policy(String tunnel) {
        return EdgePolicy.NONE;
    }
}
