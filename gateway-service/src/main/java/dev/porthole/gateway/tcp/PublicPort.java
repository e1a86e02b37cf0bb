package dev.porthole.gateway.tcp;

import dev.porthole.gateway.limits.TunnelLimits;
import dev.porthole.gateway.logging.LogFields;
import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.gateway.registry.TunnelOwner;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.protocol.relay.HalfCloseSocket;
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
 * the listener stays bound (an agent that reconnects takes its port back without a gap).
 */
public final class PublicPort {

    private final int port;
    private final String tunnel;
    private final int maxConnections;
    private final GatewayMetrics metrics;
    private final AtomicInteger connections = new AtomicInteger();
    private volatile NetServer server;
    private volatile TunnelOwner owner;
    private volatile boolean accepting = true;

    PublicPort(int port, String tunnel, int maxConnections, GatewayMetrics metrics, TunnelOwner owner) {
        this.port = port;
        this.tunnel = tunnel;
        this.maxConnections = maxConnections;
        this.metrics = metrics;
        this.owner = owner;
    }

    Future<PublicPort> listen(NetServer created, String host) {
        this.server = created.connectHandler(this::accept);
        return created.listen(port, host).map(this);
    }

    public int port() {
        return port;
    }

    public TunnelOwner owner() {
        return owner;
    }

    void owner(TunnelOwner newOwner) {
        this.owner = newOwner;
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
        socket.pause();
        HalfCloseSocket visitor = HalfCloseSocket.wrap(socket);
        if (!accepting) {
            metrics.tcpConnection("refused");
            visitor.abort(new IllegalStateException("the gateway is shutting down"));
            return;
        }
        if (connections.incrementAndGet() > maxConnections) {
            connections.decrementAndGet();
            metrics.tcpConnection("refused");
            try (LogFields fields = LogFields.of(owner.clientId(), tunnel)) {
                Log.warnf("tunnel '%s' (port %d): refused a connection from %s, %d connections is the limit", tunnel, port,
                        address(socket.remoteAddress()), maxConnections);
            }
            visitor.abort(new IllegalStateException("connection limit reached"));
            return;
        }
        TunnelOwner current = owner;
        MuxStream stream = current.openStream(tunnel, address(socket.remoteAddress()), null, false);
        TunnelLimits limits = current.limits(tunnel);
        Splice.join(limits.paced(visitor, true), limits.paced(new StreamEnd(stream), false)).onComplete(result -> {
            connections.decrementAndGet();
            metrics.tcpConnection(result.succeeded() ? "closed" : "broken");
            if (result.failed()) {
                Log.debugf("tunnel '%s' (port %d): connection from %s ended: %s", tunnel, port, address(socket.remoteAddress()),
                        result.cause().getMessage());
            }
        });
    }

    /** {@code host:port}, with brackets around an IPv6 host. */
    static String address(SocketAddress address) {
        if (address == null) {
            return "unknown";
        }
        String host = address.hostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.port();
    }
}
