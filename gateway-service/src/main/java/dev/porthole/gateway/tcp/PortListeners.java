package dev.porthole.gateway.tcp;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.gateway.registry.TunnelOwner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServerOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The TCP tunnel ports bound on this gateway instance. The registry in Redis decides who may hold
 * a port; this table holds the listeners and which local session each one serves.
 */
@ApplicationScoped
public class PortListeners {

    private final Vertx vertx;
    private final GatewayMetrics metrics;
    private final GatewayConfig.Tcp config;
    private final ConcurrentHashMap<Integer, PublicPort> bound = new ConcurrentHashMap<>();
    private volatile boolean accepting = true;

    public PortListeners(Vertx vertx, GatewayMetrics metrics, GatewayConfig config) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.config = config.tcp();
    }

    /**
     * Serves a port for a session: binds it, or hands a listener this gateway already has to the
     * new owner (the same agent reconnected). Fails when the port cannot be bound (another process
     * uses it).
     */
    public Future<PublicPort> bind(int port, String tunnel, TunnelOwner owner) {
        if (!accepting) {
            return Future.failedFuture("the gateway is shutting down; port " + port + " is not bound here");
        }
        PublicPort existing = bound.get(port);
        if (existing != null) {
            existing.owner(owner);
            return Future.succeededFuture(existing);
        }
        PublicPort created = new PublicPort(port, tunnel, config.maxConnectionsPerTunnel(), metrics, owner);
        NetServerOptions options = new NetServerOptions()
                .setReuseAddress(true)
                .setTcpNoDelay(true)
                .setIdleTimeout((int) config.idleTimeout().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        return created.listen(vertx.createNetServer(options), config.host()).map(listening -> {
            PublicPort raced = bound.putIfAbsent(port, listening);
            if (raced == null) {
                return listening;
            }
            listening.close();
            raced.owner(owner);
            return raced;
        });
    }

    /** Closes a port's listener, only if it still serves this owner; true when it did. */
    public boolean release(int port, TunnelOwner owner) {
        PublicPort current = bound.get(port);
        if (current == null || current.owner() != owner || !bound.remove(port, current)) {
            return false;
        }
        current.close();
        return true;
    }

    /** Refuses new TCP connections and new ports; open connections go on (the gateway is draining). */
    public void stopAccepting() {
        accepting = false;
        bound.values().forEach(PublicPort::stopAccepting);
    }

    /** Closes every listener (the end of a shutdown). */
    public void closeAll() {
        bound.values().forEach(PublicPort::close);
        bound.clear();
    }

    public boolean isBound(int port) {
        return bound.containsKey(port);
    }

    public Optional<PublicPort> find(int port) {
        return Optional.ofNullable(bound.get(port));
    }

    public int count() {
        return bound.size();
    }
}
