package dev.porthole.gateway.tcp;

import dev.porthole.gateway.cluster.PeerStreams;
import dev.porthole.gateway.limits.TunnelLimits;
import dev.porthole.gateway.logging.LogFields;
import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.gateway.registry.TunnelKey;
import dev.porthole.gateway.registry.TunnelOwner;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.protocol.relay.HalfCloseSocket;
import dev.porthole.protocol.relay.RelayEnd;
import dev.porthole.protocol.relay.Splice;
import dev.porthole.protocol.relay.StreamEnd;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The public listener of one TCP tunnel: every accepted connection becomes a stream to the agent
 * session that owns the port now, relayed both ways with half-close. The owner can change while
 * the listener stays bound (an agent that reconnects takes its port back without a gap). In a
 * cluster, a listener without an owner is a mirror: the port is held by another gateway instance,
 * and each connection is carried there ({@link PeerStreams}).
 */
public final class PublicPort {

    private final int port;
    private final String tunnel;
    private final int maxConnections;
    private final GatewayMetrics metrics;
    private final PeerStreams peers;
    private final AtomicInteger connections = new AtomicInteger();
    private volatile NetServer server;
    private volatile TunnelOwner owner;
    private volatile boolean accepting = true;
    private boolean retired;

    PublicPort(
            int port, String tunnel, int maxConnections, GatewayMetrics metrics, PeerStreams peers, TunnelOwner owner) {
        this.port = port;
        this.tunnel = tunnel;
        this.maxConnections = maxConnections;
        this.metrics = metrics;
        this.peers = peers;
        this.owner = owner;
    }

    Future<PublicPort> listen(NetServer created, String host) {
        this.server = created.connectHandler(this::accept);
        return created.listen(port, host).map(this);
    }

    public int port() {
        return port;
    }

    /** The local session serving the port, or null while another instance holds it (a mirror). */
    public TunnelOwner owner() {
        return owner;
    }

    /** Gives the listener to a local session; false if it was retired as a mirror meanwhile (bind a new one). */
    synchronized boolean adopt(TunnelOwner newOwner) {
        if (retired) {
            return false;
        }
        this.owner = newOwner;
        return true;
    }

    /** Marks a mirror as closing, unless a local session adopted it; true when it may be closed. */
    synchronized boolean retireIfMirror() {
        if (owner != null) {
            return false;
        }
        retired = true;
        return true;
    }

    /** Connections open now. */
    public int connections() {
        return connections.get();
    }

    /** Refuses new connections from now on; those open go on (the gateway is draining). */
    void stopAccepting() {
        accepting = false;
    }

    Future<Void> close() {
        NetServer current = server;
        return current == null ? Future.succeededFuture() : current.close();
    }

    private void accept(NetSocket socket) {
        HalfCloseSocket visitor = HalfCloseSocket.wrapUnread(socket);
        String source = address(socket.remoteAddress());
        String refusal = admit(source);
        if (refusal != null) {
            visitor.abort(new IllegalStateException(refusal));
            return;
        }
        TunnelOwner current = owner;
        if (current != null) {
            serve(current, visitor, source);
            return;
        }
        peers.open(TunnelKey.tcpPort(port), source).onComplete(carried -> {
            if (carried.failed()) {
                connections.decrementAndGet();
                metrics.tcpConnection("refused");
                Log.warnf(
                        "tunnel '%s' (port %d): cannot carry the connection from %s to the gateway holding the port: %s",
                        tunnel, port, source, carried.cause().getMessage());
                visitor.abort(carried.cause());
                return;
            }
            relay(visitor, HalfCloseSocket.wrap(carried.result()), source);
        });
    }

    /**
     * Takes a connection slot, or says why not (the gateway is draining, or the tunnel has as many
     * connections as it may); a refusal is counted and logged here.
     */
    String admit(String source) {
        if (!accepting) {
            metrics.tcpConnection("refused");
            return "the gateway is shutting down";
        }
        if (connections.incrementAndGet() > maxConnections) {
            connections.decrementAndGet();
            metrics.tcpConnection("refused");
            TunnelOwner current = owner;
            try (LogFields fields = LogFields.of(current == null ? "" : current.clientId(), tunnel)) {
                Log.warnf(
                        "tunnel '%s' (port %d): refused a connection from %s, %d connections is the limit",
                        tunnel, port, source, maxConnections);
            }
            return "tunnel '" + tunnel + "' has " + maxConnections + " connections open, its limit";
        }
        return null;
    }

    /** Gives back a slot taken by {@link #admit} for a connection that never started. */
    void unadmit() {
        connections.decrementAndGet();
    }

    /** Relays a connection that holds a slot (from {@link #admit}) to the agent as a new stream. */
    void serve(TunnelOwner current, RelayEnd visitor, String source) {
        MuxStream stream = current.openStream(tunnel, source, null, false);
        TunnelLimits limits = current.limits(tunnel);
        relay(limits.paced(visitor, true), limits.paced(new StreamEnd(stream), false), source);
    }

    private void relay(RelayEnd visitor, RelayEnd far, String source) {
        Splice.join(visitor, far).onComplete(result -> {
            connections.decrementAndGet();
            metrics.tcpConnection(result.succeeded() ? "closed" : "broken");
            if (result.failed()) {
                Log.debugf(
                        "tunnel '%s' (port %d): connection from %s ended: %s",
                        tunnel, port, source, result.cause().getMessage());
            }
        });
    }

    /** {@code host:port}, with brackets around an IPv6 host. */
    public static String address(SocketAddress address) {
        if (address == null) {
            return "unknown";
        }
        String host = address.hostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.port();
    }
}
