package dev.porthole.gateway.tls.passthrough;

import dev.porthole.gateway.cluster.PeerStreams;
import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.GatewayInstance;
import dev.porthole.gateway.config.PassthroughConfig;
import dev.porthole.gateway.limits.TunnelLimits;
import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.gateway.registry.LocalRoutes;
import dev.porthole.gateway.registry.TunnelKey;
import dev.porthole.gateway.registry.TunnelOwner;
import dev.porthole.gateway.tcp.PublicPort;
import dev.porthole.protocol.PeerText;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.protocol.mux.StreamResetException;
import dev.porthole.protocol.registry.TunnelNames;
import dev.porthole.protocol.relay.HalfCloseSocket;
import dev.porthole.protocol.relay.RelayEnd;
import dev.porthole.protocol.relay.Splice;
import dev.porthole.protocol.relay.StreamEnd;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetSocketInternal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The TLS passthrough listener ({@code tls.passthrough.port}): reads each connection's ClientHello
 * ({@link ClientHelloPeek}, bounded in size and time), takes the tunnel name from its SNI name
 * {@code <name>.<domain>}, and joins the connection, its ClientHello included, byte for byte to a
 * new stream to the agent serving that TLS tunnel, which dials its local service: TLS ends there. A
 * name served by another gateway instance is carried there ({@link PeerStreams}, {@code tls:<name>}).
 * A connection without a name, for a name nobody serves, or whose ClientHello is too large or too
 * slow is closed and counted ({@code porthole_gateway_tls_passthrough_connections_total}).
 */
@ApplicationScoped
public class PassthroughListener {

    private final Vertx vertx;
    private final PassthroughConfig config;
    private final LocalRoutes routes;
    private final PeerStreams peers;
    private final GatewayMetrics metrics;
    private final String instanceId;
    private final String domainSuffix;
    private final int maxClientHello;
    private final long idleTimeoutMillis;
    private final AtomicInteger open = new AtomicInteger();
    private volatile NetServer server;
    private volatile boolean accepting = true;

    public PassthroughListener(
            Vertx vertx,
            GatewayConfig config,
            LocalRoutes routes,
            PeerStreams peers,
            GatewayMetrics metrics,
            GatewayInstance instance) {
        this.vertx = vertx;
        this.config = config.tls().passthrough();
        this.routes = routes;
        this.peers = peers;
        this.metrics = metrics;
        this.instanceId = instance.id();
        this.domainSuffix = "." + config.http().domain().toLowerCase(Locale.ROOT);
        this.maxClientHello =
                (int) Math.min(Integer.MAX_VALUE, this.config.maxClientHello().asLongValue());
        this.idleTimeoutMillis = config.tcp().idleTimeout().toMillis();
    }

    /** Whether the listener is configured: without it TLS tunnels are refused. */
    public boolean enabled() {
        return config.port().isPresent();
    }

    void start(@Observes StartupEvent startup) {
        if (!enabled()) {
            return;
        }
        NetServerOptions options = new NetServerOptions()
                .setReuseAddress(true)
                .setTcpNoDelay(true)
                .setIdleTimeout((int) idleTimeoutMillis)
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        NetServer created = vertx.createNetServer(options).connectHandler(this::accept);
        int port = config.port().getAsInt();
        try {
            created.listen(port, config.host())
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot listen for TLS passthrough tunnels on " + config.host() + ":" + port + " (" + e.getMessage()
                            + "); free the port or change PORTHOLE_GATEWAY_TLS_PASSTHROUGH_PORT",
                    e);
        }
        server = created;
        Log.infof(
                "TLS passthrough listener on %s:%d (tunnels at tls://<name>%s)",
                config.host(), created.actualPort(), domainSuffix);
    }

    /** The port listened on, or -1. */
    public int actualPort() {
        NetServer current = server;
        return current == null ? -1 : current.actualPort();
    }

    /** Connections open now, those still being read included. */
    public int connections() {
        return open.get();
    }

    /** Refuses new connections from now on; those open go on (the gateway is draining). */
    public void stopAccepting() {
        accepting = false;
    }

    /** Closes the listener (the end of a shutdown). */
    public void close() {
        NetServer current = server;
        if (current != null) {
            current.close();
        }
    }

    private void accept(NetSocket socket) {
        String source = PublicPort.address(socket.remoteAddress());
        if (!accepting) {
            metrics.tlsPassthrough("refused");
            socket.close();
            return;
        }
        NetSocketInternal internal = (NetSocketInternal) socket;
        open.incrementAndGet();
        // The channel's own close, since a relay replaces the socket's close handler.
        internal.channelHandlerContext().channel().closeFuture().addListener(closed -> open.decrementAndGet());
        socket.exceptionHandler(
                error -> Log.debugf("TLS passthrough connection from %s: %s", source, error.getMessage()));
        internal.channelHandlerContext()
                .pipeline()
                .addBefore(
                        internal.channelHandlerContext().name(),
                        "porthole-client-hello",
                        new ClientHelloPeek(
                                maxClientHello, config.clientHelloTimeout().toMillis(), new ClientHelloPeek.Outcome() {
                                    @Override
                                    public void read(String hostname) {
                                        route(socket, hostname, source);
                                    }

                                    @Override
                                    public void failed(String outcome, String reason) {
                                        refuse(socket, outcome, source, reason);
                                    }
                                }));
    }

    /** On the connection's event loop, before the ClientHello's bytes are handed on. */
    private void route(NetSocket socket, String hostname, String source) {
        if (hostname == null) {
            refuse(socket, "no-sni", source, "its ClientHello names no server (SNI), or it is not TLS");
            return;
        }
        String name = tunnelName(hostname);
        if (name == null) {
            refuse(socket, "unknown-name", source, "'" + PeerText.escape(hostname) + "' is not <name>" + domainSuffix);
            return;
        }
        TunnelOwner owner = routes.tls(name).orElse(null);
        if (owner != null) {
            serve(owner, name, HalfCloseSocket.wrapUnread(socket), source);
            return;
        }
        if (!peers.enabled()) {
            refuse(socket, "unknown-name", source, "no TLS tunnel '" + name + "' here");
            return;
        }
        HalfCloseSocket visitor = HalfCloseSocket.wrapUnread(socket);
        peers.open(TunnelKey.tls(name), source).onComplete(carried -> {
            if (carried.failed()) {
                boolean unknown = carried.cause() instanceof StreamResetException reset
                        && reset.code() == ResetCode.NO_SUCH_TUNNEL;
                metrics.tlsPassthrough(unknown ? "unknown-name" : "refused");
                Log.debugf(
                        "TLS passthrough connection from %s for '%s' closed: %s",
                        source, name, carried.cause().getMessage());
                visitor.abort(carried.cause());
                return;
            }
            relay(visitor, HalfCloseSocket.wrap(carried.result()), name, source, null);
        });
    }

    /**
     * Serves a connection that another instance carried here (its visitor reached that instance):
     * refused with a status when no session here serves the name (a stream is carried once only)
     * or the tunnel is at its stream limit.
     */
    public void acceptFromPeer(HttpServerRequest request, String tunnel, String source) {
        String name = tunnel.toLowerCase(Locale.ROOT);
        TunnelOwner owner = routes.tls(name).orElse(null);
        if (owner == null) {
            PeerStreams.refusal(
                    request,
                    502,
                    ResetCode.NO_SUCH_TUNNEL,
                    "no agent serves TLS tunnel '" + name + "' on gateway " + instanceId
                            + "; a connection is carried between gateways at most once");
            return;
        }
        TunnelLimits limits = owner.limits(name);
        if (!limits.openStream()) {
            metrics.tlsPassthrough("refused");
            PeerStreams.refusal(
                    request,
                    503,
                    ResetCode.LIMIT_REACHED,
                    "TLS tunnel '" + name + "' has " + limits.maxStreams()
                            + " connections open, its limit; try again later");
            return;
        }
        peers.accept(request)
                .onSuccess(socket -> join(owner, limits, HalfCloseSocket.wrap(socket), name, source))
                .onFailure(error -> {
                    limits.closeStream();
                    Log.debugf(
                            "TLS tunnel '%s': a connection carried from another gateway failed before it started: %s",
                            name, error.getMessage());
                });
    }

    private void serve(TunnelOwner owner, String name, HalfCloseSocket visitor, String source) {
        TunnelLimits limits = owner.limits(name);
        if (!limits.openStream()) {
            metrics.tlsPassthrough("refused");
            Log.debugf(
                    "TLS tunnel '%s': refused a connection from %s, %d connections is its limit",
                    name, source, limits.maxStreams());
            visitor.abort(new IllegalStateException("TLS tunnel '" + name + "' is at its connection limit"));
            return;
        }
        join(owner, limits, visitor, name, source);
    }

    /** Joins a connection holding a stream slot to a new stream to the agent. */
    private void join(TunnelOwner owner, TunnelLimits limits, RelayEnd visitor, String name, String source) {
        MuxStream stream = owner.openStream(name, source, null, false);
        relay(limits.paced(visitor, true), limits.paced(new StreamEnd(stream), false), name, source, limits);
    }

    private void relay(RelayEnd visitor, RelayEnd far, String name, String source, TunnelLimits limits) {
        Splice.join(visitor, far).onComplete(result -> {
            if (limits != null) {
                limits.closeStream();
            }
            metrics.tlsPassthrough(result.succeeded() ? "closed" : "broken");
            if (result.failed()) {
                Log.debugf(
                        "TLS tunnel '%s': connection from %s ended: %s",
                        name, source, result.cause().getMessage());
            }
        });
    }

    private void refuse(NetSocket socket, String outcome, String source, String reason) {
        metrics.tlsPassthrough(outcome);
        Log.debugf("TLS passthrough connection from %s closed (%s): %s", source, outcome, reason);
        socket.close();
    }

    /** The tunnel a SNI name is for, or null when it is not {@code <name>.<domain>} with a valid name. */
    String tunnelName(String hostname) {
        String host = hostname.toLowerCase(Locale.ROOT);
        if (!host.endsWith(domainSuffix)) {
            return null;
        }
        String label = host.substring(0, host.length() - domainSuffix.length());
        return TunnelNames.problem(label) == null ? label : null;
    }
}
