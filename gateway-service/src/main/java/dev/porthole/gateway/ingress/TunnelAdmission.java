package dev.porthole.gateway.ingress;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.limits.TunnelLimits;
import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.gateway.policy.EdgePolicy;
import dev.porthole.gateway.policy.PolicyDecision;
import dev.porthole.gateway.policy.PolicyGate;
import dev.porthole.gateway.registry.TunnelOwner;
import dev.porthole.protocol.message.HttpRequestHead;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * A request for a tunnel whose session is here: the tunnel's edge policy and limits decide whether
 * it may go on, and an {@link HttpExchange} hands it to the tunnel.
 */
@Singleton
public class TunnelAdmission {

    private final ForwardedRequest forwarded;
    private final GatewayMetrics metrics;
    private final Vertx vertx;
    private final Duration responseTimeout;
    private final PolicyGate policies;

    public TunnelAdmission(
            ForwardedRequest forwarded,
            GatewayMetrics metrics,
            Vertx vertx,
            GatewayConfig config,
            PolicyGate policies) {
        this.forwarded = forwarded;
        this.metrics = metrics;
        this.vertx = vertx;
        this.responseTimeout = config.http().responseTimeout();
        this.policies = policies;
    }

    /**
     * Serves a request on the instance whose session holds the tunnel, whether the visitor came here
     * directly or through another gateway of the cluster: the tunnel's edge policy is applied here,
     * before a stream opens, so it holds on every gateway.
     */
    void serve(HttpServerRequest request, Addressing.Tunnel tunnel, TunnelOwner owner, boolean fromPeer) {
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
                        ErrorPages.refuse(
                                request,
                                metrics,
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
                            ErrorPages.refuse(
                                    request,
                                    metrics,
                                    refused.status(),
                                    refused.code(),
                                    refused.title(),
                                    refused.detail());
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
            ErrorPages.refuse(
                    request,
                    metrics,
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
            ErrorPages.refuse(
                    request,
                    metrics,
                    429,
                    "rate-limited",
                    "Too Many Requests",
                    "Tunnel '" + tunnel + "' takes at most " + limits.requestsPerSecond()
                            + " requests per second; retry in " + retryAfter.getAsLong() + " s.");
            return false;
        }
        if (!limits.openStream()) {
            ErrorPages.refuse(
                    request,
                    metrics,
                    503,
                    "tunnel-busy",
                    "Service Unavailable",
                    "Tunnel '" + tunnel + "' is serving as many requests as it may (" + limits.maxStreams()
                            + "); try again in a moment.");
            return false;
        }
        return true;
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
