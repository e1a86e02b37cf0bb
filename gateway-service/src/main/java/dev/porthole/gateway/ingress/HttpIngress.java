package dev.porthole.gateway.ingress;

import dev.porthole.gateway.cluster.ClusterMembership;
import dev.porthole.gateway.cluster.PeerForwarding;
import dev.porthole.gateway.cluster.PeerRoute;
import dev.porthole.gateway.cluster.PeerStreams;
import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.control.AgentEndpoint;
import dev.porthole.gateway.control.PublicAddresses;
import dev.porthole.gateway.dial.ConnectProxy;
import dev.porthole.gateway.dial.PrivateDialer;
import dev.porthole.gateway.limits.TunnelLimits;
import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.gateway.policy.EdgePolicy;
import dev.porthole.gateway.policy.PolicyDecision;
import dev.porthole.gateway.policy.PolicyGate;
import dev.porthole.gateway.registry.LocalRoutes;
import dev.porthole.gateway.registry.TunnelOwner;
import dev.porthole.gateway.shutdown.Draining;
import dev.porthole.gateway.tcp.PortListeners;
import dev.porthole.gateway.tls.passthrough.PassthroughListener;
import dev.porthole.protocol.PeerText;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.message.ResetCode;
import io.quarkus.logging.Log;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/** Every request on the public port: to the agents' endpoint, through a tunnel, or an error page. */
@Singleton
public class HttpIngress {

    /** How long a forwarded request waits for a session here that has claimed its tunnel to bind it. */
    static final Duration BIND_WAIT = Duration.ofSeconds(2);

    private final Addressing addressing;
    private final LocalRoutes routes;
    private final ForwardedRequest forwarded;
    private final AgentEndpoint agents;
    private final GatewayMetrics metrics;
    private final Vertx vertx;
    private final Duration responseTimeout;
    private final String domain;
    private final String scheme;
    private final String pathPrefix;
    private final boolean pathRouting;
    private final Draining draining;
    private final ClusterMembership cluster;
    private final PeerForwarding peers;
    private final PortListeners ports;
    private final PrivateDialer dialer;
    private final PassthroughListener passthrough;
    private final PolicyGate policies;
    private final ConnectProxy connect;

    public HttpIngress(
            Addressing addressing,
            LocalRoutes routes,
            ForwardedRequest forwarded,
            AgentEndpoint agents,
            GatewayMetrics metrics,
            Vertx vertx,
            GatewayConfig config,
            Draining draining,
            ClusterMembership cluster,
            PeerForwarding peers,
            PortListeners ports,
            PrivateDialer dialer,
            PolicyGate policies,
            PassthroughListener passthrough,
            ConnectProxy connect) {
        this.connect = connect;
        this.passthrough = passthrough;
        this.policies = policies;
        this.cluster = cluster;
        this.peers = peers;
        this.ports = ports;
        this.dialer = dialer;
        this.draining = draining;
        this.addressing = addressing;
        this.routes = routes;
        this.forwarded = forwarded;
        this.agents = agents;
        this.metrics = metrics;
        this.vertx = vertx;
        this.responseTimeout = config.http().responseTimeout();
        this.domain = config.http().domain();
        this.scheme = PublicAddresses.scheme(config);
        this.pathPrefix = config.http().pathPrefix();
        this.pathRouting = config.http().pathRouting();
    }

    public void handle(HttpServerRequest request) {
        if (draining.active()) {
            // Served still (here while the agent's old session holds the tunnel, else where it moved), but the
            // visitor's next request opens a new connection, which the load balancer sends to another gateway.
            request.response().putHeader(HttpHeaders.CONNECTION, "close");
        }
        if (request.headers().getAll(HttpHeaders.HOST).size() > 1) {
            // RFC 9112 3.2: more than one Host is a 400; which one a proxy in front honoured is unknown.
            ErrorPages.send(request, 400, "bad-request", "Bad Request", "the request has more than one Host header");
            return;
        }
        boolean fromPeer = false;
        if (cluster.enabled()
                && (request.headers().contains(ClusterMembership.TOKEN_HEADER)
                        || request.headers().contains(ClusterMembership.HOP_HEADER))) {
            if (!cluster.trusted(request.getHeader(ClusterMembership.TOKEN_HEADER))) {
                refuse(
                        request,
                        403,
                        "forward-refused",
                        "Forbidden",
                        "This request claims to be forwarded by another Porthole gateway but does not carry "
                                + "a valid gateway credential. Visitors must not send the "
                                + ClusterMembership.TOKEN_HEADER + " or "
                                + ClusterMembership.HOP_HEADER + " headers.");
                return;
            }
            fromPeer = true;
            if (request.method() == HttpMethod.CONNECT) {
                acceptStream(request);
                return;
            }
        }
        if (request.method() == HttpMethod.CONNECT) {
            // A visitor using the gateway as an HTTP proxy: to private tunnels only.
            connect.handle(request);
            return;
        }
        HostAndPort authority = request.authority();
        switch (addressing.resolve(authority == null ? null : authority.host(), request.uri())) {
            case Addressing.AgentEndpoint agent -> {
                if (draining.stopping()) {
                    refuseAgent(request);
                } else {
                    agents.handle(request);
                }
            }
            case Addressing.Tunnel tunnel -> forward(request, tunnel, fromPeer);
            case Addressing.NoTunnel none ->
                ErrorPages.send(
                        request,
                        404,
                        "no-tunnel",
                        "Not Found",
                        pathRouting
                                ? "There is no tunnel here. Tunnels are served at " + scheme + "://<name>." + domain
                                        + "/ or at " + pathPrefix + "<name>/ on this host."
                                : "There is no tunnel here. Tunnels are served at " + scheme + "://<name>." + domain
                                        + "/.");
            case Addressing.BadRequest bad -> ErrorPages.send(request, 400, "bad-request", "Bad Request", bad.reason());
            case Addressing.OtherHost other ->
                ErrorPages.send(
                        request,
                        421,
                        "unknown-host",
                        "Misdirected Request",
                        "This gateway serves tunnels at <name>." + domain
                                + " only; the host this request names is not one of them.");
        }
    }

    /** A TCP connection or a private dial that another instance carries here: {@code X-Porthole-Stream} names which. */
    private void acceptStream(HttpServerRequest request) {
        String target = String.valueOf(request.getHeader(PeerStreams.STREAM_HEADER));
        String source = request.getHeader(PeerStreams.SOURCE_HEADER) == null
                ? "another gateway"
                : request.getHeader(PeerStreams.SOURCE_HEADER);
        if (target.startsWith("private:")) {
            dialer.acceptFromPeer(request, target.substring("private:".length()), source);
            return;
        }
        if (target.startsWith("tls:")) {
            passthrough.acceptFromPeer(request, target.substring("tls:".length()), source);
            return;
        }
        if (target.startsWith("tcp:")) {
            try {
                ports.acceptFromPeer(request, Integer.parseInt(target.substring("tcp:".length())), source);
                return;
            } catch (NumberFormatException e) {
                // Falls through to the refusal below.
            }
        }
        PeerStreams.refusal(
                request,
                400,
                ResetCode.STREAM_ERROR,
                "a CONNECT between gateways must name tcp:<port>, private:<name> or tls:<name> in "
                        + PeerStreams.STREAM_HEADER + ", not '" + target + "'");
    }

    private void forward(HttpServerRequest request, Addressing.Tunnel tunnel, boolean fromPeer) {
        Optional<TunnelOwner> owner = routes.http(tunnel.name());
        if (owner.isPresent()) {
            serve(request, tunnel, owner.get(), fromPeer);
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
                                owner -> serve(request, tunnel, owner, true),
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
        refuse(
                request,
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
                        refuse(
                                request,
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
                            refuse(
                                    request,
                                    502,
                                    "agent-offline",
                                    "Bad Gateway",
                                    "The agent serving tunnel '" + tunnel.name() + "' was connected to a gateway "
                                            + "that is gone. It may reconnect to another gateway in a moment.");
                        }
                        case PeerRoute.NotElsewhere none -> {
                            Optional<TunnelOwner> local = routes.http(tunnel.name());
                            if (local.isPresent()) {
                                serve(request, tunnel, local.get(), false);
                            } else {
                                request.resume();
                                notServed(request, tunnel);
                            }
                        }
                        // The agent connected here meanwhile; the exchange takes the still-paused body.
                        case PeerRoute.Here here ->
                            whenBound(request, tunnel, owner -> serve(request, tunnel, owner, false), () -> {
                                request.resume();
                                notServed(request, tunnel);
                            });
                    }
                }));
    }

    /**
     * An agent connecting to a stopping gateway (its GOAWAY reconnect, or a new agent the balancer
     * has not yet steered away) is sent elsewhere: {@code Retry-After: 0} and the {@code draining}
     * code tell the agent to try again at once, which through the balancer reaches another gateway.
     */
    private void refuseAgent(HttpServerRequest request) {
        request.response().putHeader(HttpHeaders.CONNECTION, "close").putHeader(HttpHeaders.RETRY_AFTER, "0");
        ErrorPages.send(
                request,
                503,
                "draining",
                "Service Unavailable",
                "This gateway is shutting down. Connect again; another gateway takes over.");
    }

    private void gatewayUnreachable(
            HttpServerRequest request, Addressing.Tunnel tunnel, PeerRoute.Peer peer, Throwable error) {
        metrics.clusterForward("failed");
        Log.warnf(
                "tunnel '%s': cannot forward to gateway %s at %s: %s",
                tunnel.name(), peer.gatewayId(), peer.address(), error.getMessage());
        request.resume();
        request.response().putHeader(HttpHeaders.CONNECTION, "close");
        refuse(
                request,
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
            ErrorPages.send(
                    request,
                    502,
                    "agent-offline",
                    "Bad Gateway",
                    "The agent serving tunnel '" + tunnel.name() + "' went offline " + seconds
                            + " s ago. It may reconnect in a moment.");
            metrics.httpRequest(502, Duration.ZERO);
            return;
        }
        ErrorPages.send(
                request,
                404,
                "tunnel-not-found",
                "Tunnel Not Found",
                "No agent is serving tunnel '" + tunnel.name()
                        + "' right now. Start one with: porthole http <port> --subdomain " + tunnel.name());
        metrics.httpRequest(404, Duration.ZERO);
    }

    /**
     * Serves a request on the instance whose session holds the tunnel, whether the visitor came here
     * directly or through another gateway of the cluster: the tunnel's edge policy is applied here,
     * before a stream opens, so it holds on every gateway.
     */
    private void serve(HttpServerRequest request, Addressing.Tunnel tunnel, TunnelOwner owner, boolean fromPeer) {
        EdgePolicy policy = owner.policy(tunnel.name());
        if (policy.isEmpty()) {
            admit(request, tunnel, owner, fromPeer, policy, null);
            return;
        }
        request.pause();
        Context context = vertx.getOrCreateContext();
        policies.decide(
                        request,
                        policy,
                        fromPeer,
                        tunnel.name(),
                        owner.clientId(),
                        owner.limits(tunnel.name()).maxBodySize())
                .onComplete(decided -> context.runOnContext(ignored -> {
                    if (decided.failed()) {
                        request.resume();
                        refuse(
                                request,
                                503,
                                "policy-unavailable",
                                "Service Unavailable",
                                "The gateway could not check this tunnel's policy; try again.");
                        return;
                    }
                    switch (decided.result()) {
                        case PolicyDecision.Admitted admitted ->
                            admit(request, tunnel, owner, fromPeer, policy, admitted);
                        case PolicyDecision.Redirect redirect -> {
                            request.resume();
                            request.response()
                                    .setStatusCode(302)
                                    .putHeader(HttpHeaders.LOCATION, redirect.location())
                                    .putHeader(HttpHeaders.SET_COOKIE, redirect.setCookie())
                                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                                    .end();
                            metrics.httpRequest(302, Duration.ZERO);
                        }
                        case PolicyDecision.Refused refused -> {
                            refused.headers().forEach(request.response()::putHeader);
                            request.resume();
                            refuse(request, refused.status(), refused.code(), refused.title(), refused.detail());
                        }
                    }
                }));
    }

    private void admit(
            HttpServerRequest request,
            Addressing.Tunnel tunnel,
            TunnelOwner owner,
            boolean fromPeer,
            EdgePolicy policy,
            PolicyDecision.Admitted decision) {
        TunnelLimits limits = owner.limits(tunnel.name());
        if (!admitted(request, tunnel.name(), limits)) {
            return;
        }
        if (fromPeer) {
            metrics.clusterForward("received");
        }
        HttpExchange exchange =
                new HttpExchange(request, owner, tunnel.name(), metrics, limits, policy::responseHeaders);
        String source = request.remoteAddress() == null
                ? "unknown"
                : request.remoteAddress().toString();
        HttpRequestHead head = forwarded.head(request, tunnel.uri(), tunnel.prefix(), exchange.isUpgrade(), fromPeer);
        exchange.start(
                vertx,
                decision == null ? head : policy.outgoing(head, decision),
                source,
                responseTimeout,
                decision == null ? null : decision.body());
    }

    /**
     * Applies the tunnel's limits before a stream is opened: a declared body over the size limit
     * (413), too many requests per second (429), too many requests in flight (503). True when the
     * request may go on, holding a stream slot.
     */
    private boolean admitted(HttpServerRequest request, String tunnel, TunnelLimits limits) {
        long maxBody = limits.maxBodySize();
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && declaredLength(length) > maxBody) {
            limits.bodyTooLarge(maxBody);
            request.response().putHeader(HttpHeaders.CONNECTION, "close");
            refuse(
                    request,
                    413,
                    "body-too-large",
                    "Content Too Large",
                    "Requests to tunnel '" + tunnel + "' may carry at most " + maxBody
                            + " bytes of body; this one declares " + length.trim() + ".");
            return false;
        }
        OptionalLong retryAfter = limits.admitRequest();
        if (retryAfter.isPresent()) {
            request.response().putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfter.getAsLong()));
            refuse(
                    request,
                    429,
                    "rate-limited",
                    "Too Many Requests",
                    "Tunnel '" + tunnel + "' takes at most " + limits.requestsPerSecond()
                            + " requests per second; retry in " + retryAfter.getAsLong() + " s.");
            return false;
        }
        if (!limits.openStream()) {
            refuse(
                    request,
                    503,
                    "tunnel-busy",
                    "Service Unavailable",
                    "Tunnel '" + tunnel + "' is serving as many requests as it may (" + limits.maxStreams()
                            + "); try again in a moment.");
            return false;
        }
        return true;
    }

    private void refuse(HttpServerRequest request, int status, String code, String title, String detail) {
        ErrorPages.send(request, status, code, title, detail);
        metrics.httpRequest(status, Duration.ZERO);
    }

    /** The declared body length; a value that is no number counts as too large rather than slipping past the check. */
    private static long declaredLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
