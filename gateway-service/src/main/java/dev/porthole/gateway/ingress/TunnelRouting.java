package dev.porthole.gateway.ingress;

import dev.porthole.gateway.cluster.ClusterMembership;
import dev.porthole.gateway.cluster.PeerForwarding;
import dev.porthole.gateway.cluster.PeerRoute;
import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.gateway.registry.LocalRoutes;
import dev.porthole.gateway.registry.TunnelOwner;
import dev.porthole.protocol.PeerText;
import io.quarkus.logging.Log;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where a request for a tunnel goes: to the session here that holds the tunnel
 * ({@link TunnelAdmission}), to the gateway of the cluster that holds it, or to a 404 or 502 page
 * when no session serves it.
 */
@Singleton
public class TunnelRouting {

    /** How long a forwarded request waits for a session here that has claimed its tunnel to bind it. */
    static final Duration BIND_WAIT = Duration.ofSeconds(2);

    private final LocalRoutes routes;
    private final TunnelAdmission admission;
    private final GatewayMetrics metrics;
    private final Vertx vertx;
    private final ClusterMembership cluster;
    private final PeerForwarding peers;

    public TunnelRouting(
            LocalRoutes routes,
            TunnelAdmission admission,
            GatewayMetrics metrics,
            Vertx vertx,
            ClusterMembership cluster,
            PeerForwarding peers) {
        this.routes = routes;
        this.admission = admission;
        this.metrics = metrics;
        this.vertx = vertx;
        this.cluster = cluster;
        this.peers = peers;
    }

    /**
     * Serves a request for {@code tunnel} here, forwards it to the gateway that holds the tunnel, or
     * answers that it is not served; {@code fromPeer} when another gateway forwarded it here.
     */
    void route(HttpServerRequest request, Addressing.Tunnel tunnel, boolean fromPeer) {
        Optional<TunnelOwner> owner = routes.http(tunnel.name());
        if (owner.isPresent()) {
            admission.serve(request, tunnel, owner.get(), fromPeer);
            return;
        }
        if (fromPeer) {
            awaitLocalBinding(request, tunnel);
            return;
        }
        if (cluster.enabled()) {
            forwardToPeer(request, tunnel, false, null);
            return;
        }
        notServed(request, tunnel);
    }

    /**
     * A forwarded request for a tunnel not served here. If the registry names this instance, an
     * agent's new session here has claimed the name and is about to serve it (see
     * {@link #whenBound}). Otherwise the registry changed since the other instance's lookup, and a
     * request is forwarded once only.
     */
    private void awaitLocalBinding(HttpServerRequest request, Addressing.Tunnel tunnel) {
        request.pause();
        Context context = vertx.getOrCreateContext();
        peers.locate(tunnel.name())
                .onComplete(located -> context.runOnContext(ignored -> {
                    if (located.succeeded() && located.result() instanceof PeerRoute.Here) {
                        whenBound(
                                request,
                                tunnel,
                                owner -> admission.serve(request, tunnel, owner, true),
                                () -> hopLimit(request, tunnel));
                    } else {
                        hopLimit(request, tunnel);
                    }
                }));
    }

    /**
     * Waits, up to {@link #BIND_WAIT}, for a session here to bind a tunnel the registry says this
     * instance holds: a session writes its claims before it binds its routes (after WELCOME), so a
     * request can come in between, directly or forwarded by an instance that looked the tunnel up.
     * On the request's context; the request stays paused until one of the two callbacks runs.
     */
    private void whenBound(
            HttpServerRequest request, Addressing.Tunnel tunnel, Consumer<TunnelOwner> bound, Runnable notBound) {
        Context context = vertx.getOrCreateContext();
        // The binding runs on the session's context; the request is served on its own.
        Optional<LocalRoutes.BindWaiter> waiter =
                routes.whenBound(tunnel.name(), owner -> context.runOnContext(ignored -> bound.accept(owner)));
        if (waiter.isEmpty()) {
            Log.warnf(
                    "tunnel '%s': %d requests wait for their tunnels to be bound already; not waiting",
                    tunnel.name(), routes.bindWaiters());
            notBound.run();
            return;
        }
        vertx.setTimer(BIND_WAIT.toMillis(), timer -> {
            if (waiter.get().cancel()) {
                notBound.run();
            }
        });
    }

    private void hopLimit(HttpServerRequest request, Addressing.Tunnel tunnel) {
        metrics.clusterForward("failed");
        Log.infof(
                "tunnel '%s': not served on gateway %s, to which gateway %s forwarded a request; answered 502 (hop limit)",
                tunnel.name(), cluster.instanceId(), PeerText.quote(request.getHeader(ClusterMembership.HOP_HEADER)));
        request.resume();
        ErrorPages.refuse(
                request,
                metrics,
                502,
                "forward-hop-limit",
                "Bad Gateway",
                "Tunnel '" + tunnel.name() + "' is moving between gateways, and a request is "
                        + "forwarded at most once. Its agent may be reconnecting: try again in a moment.");
    }

    /**
     * Asks the registry where the tunnel is served and forwards the request there, or answers as a
     * single gateway would. When no holder the first answer names can be connected to (or one closed
     * the connection under a request that may be sent again: no body, idempotent method), or it names
     * an instance that no longer publishes an address, the registry is asked once more
     * ({@code again}): the tunnel may have just moved away from an instance that stopped (a rolling
     * restart), and the first lookup been a moment too early. {@code unreachable} is the first
     * failure to connect, if any: holders it already tried are not tried again, and if none is left
     * the answer is 502.
     */
    private void forwardToPeer(
            HttpServerRequest request,
            Addressing.Tunnel tunnel,
            boolean again,
            PeerForwarding.Unreachable unreachable) {
        boolean upgrade = HttpExchange.isUpgrade(request);
        request.pause();
        Context context = vertx.getOrCreateContext();
        peers.locate(tunnel.name())
                .onComplete(located -> context.runOnContext(ignored -> {
                    if (located.failed()) {
                        request.resume();
                        request.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
                        ErrorPages.refuse(
                                request,
                                metrics,
                                503,
                                "registry-unavailable",
                                "Service Unavailable",
                                "The tunnel registry cannot be reached, so this gateway cannot tell "
                                        + "which instance serves tunnel '" + tunnel.name()
                                        + "'. Try again in a moment.");
                        return;
                    }
                    switch (located.result()) {
                        case PeerRoute.Peers holders
                        when unreachable != null
                                && unreachable.untried(holders.candidates()).isEmpty() ->
                            gatewayUnreachable(request, tunnel, unreachable.peer(), unreachable);
                        case PeerRoute.Peers holders -> {
                            List<PeerRoute.Peer> candidates = unreachable == null
                                    ? holders.candidates()
                                    : unreachable.untried(holders.candidates());
                            (upgrade
                                            ? peers.upgrade(request, tunnel.name(), candidates.getFirst())
                                            : peers.forward(request, tunnel.name(), candidates))
                                    .onFailure(error -> {
                                        if (error instanceof PeerForwarding.Unreachable first
                                                && first.resendable()
                                                && !again) {
                                            // Safe to send again: look again where the tunnel is. A holder that refused
                                            // the connection is
                                            // not tried again; one that closed a pooled connection under the request
                                            // may be (on a new one).
                                            Log.debugf(
                                                    "tunnel '%s': gateway %s cannot be reached (%s); asking the registry again",
                                                    tunnel.name(), first.peer().gatewayId(), error.getMessage());
                                            context.runOnContext(retry -> forwardToPeer(
                                                    request, tunnel, true, first.notSent() ? first : null));
                                            return;
                                        }
                                        PeerRoute.Peer peer = error instanceof PeerForwarding.Unreachable last
                                                ? last.peer()
                                                : candidates.getFirst();
                                        gatewayUnreachable(request, tunnel, peer, error);
                                    });
                        }
                        case PeerRoute.Gone gone when !again -> forwardToPeer(request, tunnel, true, null);
                        case PeerRoute.Gone gone -> {
                            request.resume();
                            Log.debugf(
                                    "tunnel '%s': held by gateway %s, which is gone; answered 502",
                                    tunnel.name(), gone.gatewayId());
                            ErrorPages.refuse(
                                    request,
                                    metrics,
                                    502,
                                    "agent-offline",
                                    "Bad Gateway",
                                    "The agent serving tunnel '" + tunnel.name() + "' was connected to a gateway "
                                            + "that is gone. It may reconnect to another gateway in a moment.");
                        }
                        case PeerRoute.NotElsewhere none -> {
                            Optional<TunnelOwner> local = routes.http(tunnel.name());
                            if (local.isPresent()) {
                                admission.serve(request, tunnel, local.get(), false);
                            } else {
                                request.resume();
                                notServed(request, tunnel);
                            }
                        }
                        // The agent connected here meanwhile; the exchange takes the still-paused body.
                        case PeerRoute.Here here ->
                            whenBound(request, tunnel, owner -> admission.serve(request, tunnel, owner, false), () -> {
                                request.resume();
                                notServed(request, tunnel);
                            });
                    }
                }));
    }

    private void gatewayUnreachable(
            HttpServerRequest request, Addressing.Tunnel tunnel, PeerRoute.Peer peer, Throwable error) {
        metrics.clusterForward("failed");
        Log.warnf(
                "tunnel '%s': cannot forward to gateway %s at %s: %s",
                tunnel.name(), peer.gatewayId(), peer.address(), error.getMessage());
        request.resume();
        request.response().putHeader(HttpHeaders.CONNECTION, "close");
        ErrorPages.refuse(
                request,
                metrics,
                502,
                "gateway-unreachable",
                "Bad Gateway",
                "Tunnel '" + tunnel.name() + "' is served by another gateway, which cannot be "
                        + "reached right now. Its agent reconnects to another gateway if that one is gone; try again in a moment.");
    }

    /** A tunnel with no session here nor elsewhere: offline (502) or unknown (404). */
    private void notServed(HttpServerRequest request, Addressing.Tunnel tunnel) {
        if (routes.offline(tunnel.name()).isPresent()) {
            LocalRoutes.Offline gone = routes.offline(tunnel.name()).get();
            long seconds =
                    Duration.between(gone.since(), java.time.Instant.now()).toSeconds();
            Log.debugf(
                    "tunnel '%s': agent offline for %d s (%s); answered 502",
                    tunnel.name(), seconds, PeerText.quote(gone.reason()));
            ErrorPages.refuse(
                    request,
                    metrics,
                    502,
                    "agent-offline",
                    "Bad Gateway",
                    "The agent serving tunnel '" + tunnel.name() + "' went offline " + seconds
                            + " s ago. It may reconnect in a moment.");
            return;
        }
        ErrorPages.refuse(
                request,
                metrics,
                404,
                "tunnel-not-found",
                "Tunnel Not Found",
                "No agent is serving tunnel '" + tunnel.name()
                        + "' right now. Start one with: porthole http <port> --subdomain " + tunnel.name());
    }
}
