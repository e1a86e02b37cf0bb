package dev.porthole.gateway.tcp;

import dev.porthole.gateway.cluster.ClusterMembership;
import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.PortRange;
import dev.porthole.gateway.registry.RedisKeys;
import dev.porthole.gateway.registry.RedisTunnelRegistry;
import dev.porthole.gateway.registry.Route;
import dev.porthole.gateway.registry.TunnelKey;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In a cluster, listens on every public TCP port that another gateway instance holds, so that a
 * visitor reaches the port whichever instance the TCP load balancer picks ({@link PortListeners#mirror}).
 * Which ports to mirror comes from the registry: a port is looked up again whenever the
 * {@code tcp-ports} channel says it changed hands, and every port in the registry's {@code tcp-routes}
 * index at start-up and every {@code registry.refresh-interval} (which also catches a dead instance's ports expiring).
 * Without {@code cluster.internal-address} it does nothing.
 */
@ApplicationScoped
public class PortMirrors {

    private final PortListeners listeners;
    private final ClusterMembership cluster;
    private final RedisAPI redis;
    private final RedisKeys keys;
    private final RedisTunnelRegistry registry;
    private final Vertx vertx;
    private final PortRange range;
    private final GatewayConfig config;
    /** Ports a warning was logged for, so that a port taken by another program is reported once, not every round. */
    private final Set<Integer> unbindable = ConcurrentHashMap.newKeySet();

    private long timer = -1;

    public PortMirrors(
            PortListeners listeners,
            ClusterMembership cluster,
            RedisAPI redis,
            RedisKeys keys,
            RedisTunnelRegistry registry,
            Vertx vertx,
            GatewayConfig config) {
        this.listeners = listeners;
        this.registry = registry;
        this.cluster = cluster;
        this.redis = redis;
        this.keys = keys;
        this.vertx = vertx;
        this.config = config;
        this.range = config.tcp().portRange();
    }

    void start(@Observes StartupEvent startup) {
        if (!cluster.enabled()) {
            return;
        }
        reconcileAll();
        timer = vertx.setPeriodic(config.registry().refreshInterval().toMillis(), id -> reconcileAll());
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** A message on {@code tcp-ports}: the port named changed hands somewhere. */
    public void changed(String payload) {
        if (!cluster.enabled()) {
            return;
        }
        int port;
        try {
            port = Integer.parseInt(payload.trim());
        } catch (NumberFormatException e) {
            Log.warnf("ignoring a malformed message on %s: '%s' is no port number", keys.tcpPorts(), payload);
            return;
        }
        if (range.contains(port)) {
            reconcile(port);
        }
    }

    /** Mirrors the port if another live instance holds it; closes a mirror if nobody else does. */
    Future<Void> reconcile(int port) {
        return redis.get(keys.route(TunnelKey.tcpPort(port)))
                .map(stored -> {
                    Route route = parse(stored);
                    if (route != null && !route.gatewayId().equals(cluster.instanceId())) {
                        listeners
                                .mirror(port)
                                .onSuccess(ignored -> unbindable.remove(port))
                                .onFailure(error -> {
                                    if (unbindable.add(port)) {
                                        Log.warnf(
                                                "TCP port %d is held by gateway %s, but this gateway cannot listen on it (%s): visitors whose connection "
                                                        + "lands here are refused. Free the port on this host (another program uses it?); it is tried again every %s",
                                                port,
                                                route.gatewayId(),
                                                error.getMessage(),
                                                config.registry().refreshInterval());
                                    }
                                });
                    } else if (listeners.closeMirror(port)) {
                        Log.debugf("TCP port %d is no longer held by another gateway; stopped listening for it", port);
                    }
                    return (Void) null;
                })
                .onFailure(error ->
                        Log.debugf("cannot look up TCP port %d in the registry: %s", port, error.getMessage()));
    }

    /** Every port the registry names, and every port mirrored now (whose holder may have gone). */
    void reconcileAll() {
        Set<Integer> ports = new TreeSet<>(listeners.mirrored());
        registry.tcpPorts().onComplete(held -> {
            if (held.failed()) {
                Log.debugf(
                        "cannot read the registry's TCP ports: %s", held.cause().getMessage());
            } else {
                held.result().stream().filter(range::contains).forEach(ports::add);
            }
            ports.forEach(this::reconcile);
        });
    }

    private static Route parse(Response stored) {
        if (stored == null) {
            return null;
        }
        try {
            return Route.fromJson(stored.toString());
        } catch (RuntimeException e) {
            return null;
        }
    }
}
