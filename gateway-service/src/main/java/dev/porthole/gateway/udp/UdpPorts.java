package dev.porthole.gateway.udp;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.UdpConfig;
import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.gateway.registry.PortClaims;
import dev.porthole.gateway.registry.TunnelOwner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The UDP tunnel sockets bound on this gateway instance. The registry in Redis decides who may hold
 * a port; a UDP tunnel is served only by the gateway its agent is connected to (no cluster mirrors).
 */
@ApplicationScoped
public class UdpPorts implements PortClaims.Sockets {

    private final Vertx vertx;
    private final GatewayMetrics metrics;
    private final UdpConfig config;
    private final UdpDials dials;
    private final ConcurrentHashMap<Integer, UdpPort> bound = new ConcurrentHashMap<>();
    private volatile boolean accepting = true;

    public UdpPorts(Vertx vertx, GatewayMetrics metrics, GatewayConfig config, UdpDials dials) {
        this.vertx = vertx;
        this.dials = dials;
        this.metrics = metrics;
        this.config = config.udp();
    }

    /**
     * Serves a port for a session: binds it, or hands the socket this gateway already has to the new
     * owner (the same agent reconnected). Fails when the port cannot be bound.
     */
    @Override
    public Future<UdpPort> bind(int port, String tunnel, TunnelOwner owner) {
        if (!accepting) {
            return Future.failedFuture("the gateway is shutting down; UDP port " + port + " is not bound here");
        }
        UdpPort existing = bound.get(port);
        if (existing != null) {
            existing.adopt(owner);
            return Future.succeededFuture(existing);
        }
        return new UdpPort(port, tunnel, config, metrics, owner).listen(vertx).map(listening -> {
            UdpPort raced = bound.putIfAbsent(port, listening);
            if (raced == null) {
                return listening;
            }
            raced.adopt(owner);
            listening.close(vertx);
            return raced;
        });
    }

    /**
     * A DATAGRAM from an agent: with an odd flow id, one it sends to a private UDP tunnel it dials
     * ({@link UdpDials}); with an even one, an answer on one of its UDP tunnels, dropped unless that
     * session serves the tunnel's port or publishes the private tunnel.
     */
    public void toVisitor(TunnelOwner from, String tunnel, int flowId, Buffer payload) {
        if ((flowId & 1) != 0) {
            dials.fromDialer(from, tunnel, flowId, payload);
            return;
        }
        UdpPort port = byTunnel(tunnel);
        if (port == null && UdpClaims.portOf(tunnel) < 0) {
            dials.toDialer(from, tunnel, flowId, payload);
            return;
        }
        if (port == null || port.owner() != from) {
            metrics.udpDropped("no-flow");
            return;
        }
        port.toVisitor(flowId, payload);
    }

    /** Closes a port's socket, only if it still serves this owner; true when it did. */
    public boolean release(int port, TunnelOwner owner) {
        UdpPort current = bound.get(port);
        if (current == null || current.owner() != owner || !bound.remove(port, current)) {
            return false;
        }
        current.close(vertx);
        return true;
    }

    /** Drops datagrams from new and known visitors alike (the gateway is draining). */
    public void stopAccepting() {
        accepting = false;
        bound.values().forEach(UdpPort::stopAccepting);
    }

    /** Closes every socket (the end of a shutdown). */
    public void closeAll() {
        bound.values().forEach(port -> port.close(vertx));
        bound.clear();
    }

    @Override
    public boolean isBound(int port) {
        return bound.containsKey(port);
    }

    public Optional<UdpPort> find(int port) {
        return Optional.ofNullable(bound.get(port));
    }

    private UdpPort byTunnel(String tunnel) {
        int port = UdpClaims.portOf(tunnel);
        return port < 0 ? null : bound.get(port);
    }
}
