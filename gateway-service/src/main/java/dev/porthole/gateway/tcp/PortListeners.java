package dev.porthole.gateway.tcp;

import dev.porthole.gateway.cluster.PeerStreams;
import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.GatewayInstance;
import dev.porthole.gateway.config.TcpConfig;
import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.gateway.registry.PortClaims;
import dev.porthole.gateway.registry.TunnelOwner;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.relay.HalfCloseSocket;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.NetServerOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The TCP tunnel ports bound on this gateway instance. The registry in Redis decides who may hold
 * a port; this table holds the listeners and which local session each one serves.
 */
@ApplicationScoped
public class PortListeners implements PortClaims.Sockets {

    private final Vertx vertx;
    private final GatewayMetrics metrics;
    private final TcpConfig config;
    private final PeerStreams peers;
    private final String instanceId;
    private final ConcurrentHashMap<Integer, PublicPort> bound = new ConcurrentHashMap<>();
    private volatile boolean accepting = true;

    public PortListeners(
            Vertx vertx, GatewayMetrics metrics, GatewayConfig config, PeerStreams peers, GatewayInstance instance) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.config = config.tcp();
        this.peers = peers;
        this.instanceId = instance.id();
    }

    /**
     * Serves a port for a session: binds it, or hands a listener this gateway already has to the
     * new owner (the same agent reconnected). Fails when the port cannot be bound (another process
     * uses it).
     */
    @Override
    public Future<PublicPort> bind(int port, String tunnel, TunnelOwner owner) {
        if (!accepting) {
            return Future.failedFuture("the gateway is shutting down; port " + port + " is not bound here");
        }
        PublicPort existing = bound.get(port);
        if (existing != null && existing.adopt(owner)) {
            return Future.succeededFuture(existing);
        }
        return listen(port, tunnel, owner).map(listening -> {
            PublicPort raced = bound.putIfAbsent(port, listening);
            if (raced == null) {
                return listening;
            }
            if (raced.adopt(owner)) {
                listening.close();
                return raced;
            }
            bound.put(port, listening);
            return listening;
        });
    }

    /**
     * Listens on a port that another gateway instance holds, carrying each connection there, so that
     * a visitor reaches the port whichever instance the load balancer picks. Nothing happens if the
     * port is bound here already; fails when it cannot be bound.
     */
    public Future<Void> mirror(int port) {
        if (!accepting || bound.containsKey(port)) {
            return Future.succeededFuture();
        }
        return listen(port, TcpClaims.tunnelName(port), null).map(listening -> {
            if (bound.putIfAbsent(port, listening) != null) {
                listening.close();
            }
            return null;
        });
    }

    /** Closes a mirror (a listener no local session owns); true when it did. */
    public boolean closeMirror(int port) {
        PublicPort current = bound.get(port);
        if (current == null || !current.retireIfMirror() || !bound.remove(port, current)) {
            return false;
        }
        current.close();
        return true;
    }

    /** The ports listened on for another instance. */
    public Set<Integer> mirrored() {
        Set<Integer> ports = new TreeSet<>();
        bound.forEach((port, listener) -> {
            if (listener.owner() == null) {
                ports.add(port);
            }
        });
        return ports;
    }

    /**
     * Serves a connection another instance carried here (a visitor of this port who reached that
     * instance): the same limits as a connection accepted here. Refused with a status when the port
     * is not served here (the agent moved; a stream is carried once only) or is at its limit.
     */
    public void acceptFromPeer(HttpServerRequest request, int port, String source) {
        PublicPort listener = bound.get(port);
        TunnelOwner owner = listener == null ? null : listener.owner();
        if (owner == null) {
            PeerStreams.refusal(
                    request,
                    502,
                    ResetCode.NO_SUCH_TUNNEL,
                    "TCP port " + port + " is not served on gateway " + instanceId
                            + "; a connection is carried between gateways at most once");
            return;
        }
        String refused = listener.admit(source);
        if (refused != null) {
            PeerStreams.refusal(request, 503, ResetCode.LIMIT_REACHED, refused);
            return;
        }
        peers.accept(request)
                .onSuccess(socket -> listener.serve(owner, HalfCloseSocket.wrap(socket), source))
                .onFailure(error -> {
                    listener.unadmit();
                    Log.debugf(
                            "TCP port %d: a connection carried from another gateway failed before it started: %s",
                            port, error.getMessage());
                });
    }

    private Future<PublicPort> listen(int port, String tunnel, TunnelOwner owner) {
        PublicPort created = new PublicPort(port, tunnel, config.maxConnectionsPerTunnel(), metrics, peers, owner);
        NetServerOptions options = new NetServerOptions()
                .setReuseAddress(true)
                .setTcpNoDelay(true)
                .setIdleTimeout((int) config.idleTimeout().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        return created.listen(vertx.createNetServer(options), config.host());
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

    @Override
    public boolean isBound(int port) {
        return bound.containsKey(port);
    }

    public Optional<PublicPort> find(int port) {
        return Optional.ofNullable(bound.get(port));
    }

    /** Ports served for local sessions (mirrors not counted). */
    public int count() {
        return (int) bound.values().stream()
                .filter(listener -> listener.owner() != null)
                .count();
    }
}
