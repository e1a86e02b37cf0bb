package dev.porthole.gateway.ingress;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.control.AgentEndpoint;
import dev.porthole.gateway.limits.TunnelLimits;
import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.gateway.registry.LocalRoutes;
import dev.porthole.gateway.registry.TunnelOwner;
import dev.porthole.gateway.shutdown.Draining;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/** Every request on the public port: to the agents' endpoint, through a tunnel, or an error page. */
@ApplicationScoped
public class HttpIngress {

    private final Addressing addressing;
    private final LocalRoutes routes;
    private final ForwardedRequest forwarded;
    private final AgentEndpoint agents;
    private final GatewayMetrics metrics;
    private final Vertx vertx;
    private final Duration responseTimeout;
    private final String domain;
    private final String pathPrefix;
    private final Draining draining;

    public HttpIngress(Addressing addressing, LocalRoutes routes, ForwardedRequest forwarded, AgentEndpoint agents, GatewayMetrics metrics,
            Vertx vertx, GatewayConfig config, Draining draining) {
        this.draining = draining;
        this.addressing = addressing;
        this.routes = routes;
        this.forwarded = forwarded;
        this.agents = agents;
        this.metrics = metrics;
        this.vertx = vertx;
        this.responseTimeout = config.http().responseTimeout();
        this.domain = config.http().domain();
        this.pathPrefix = config.http().pathPrefix();
    }

    public void handle(HttpServerRequest request) {
        if (draining.active()) {
            // Requests already forwarded finish; new ones (agents' reconnects too) go to another gateway.
            request.response().putHeader(HttpHeaders.CONNECTION, "close").putHeader(HttpHeaders.RETRY_AFTER, "1");
            ErrorPages.send(request, 503, "draining", "Service Unavailable",
                    "This gateway is shutting down. Try again in a moment; another gateway takes over.");
            return;
        }
        if (request.headers().getAll(HttpHeaders.HOST).size() > 1) {
            // RFC 9112 3.2: more than one Host is a 400; which one a proxy in front honoured is unknown.
            ErrorPages.send(request, 400, "bad-request", "Bad Request", "the request has more than one Host header");
            return;
        }
        HostAndPort authority = request.authority();
        switch (addressing.resolve(authority == null ? null : authority.host(), request.uri())) {
            case Addressing.AgentEndpoint agent -> agents.handle(request);
            case Addressing.Tunnel tunnel -> forward(request, tunnel);
            case Addressing.NoTunnel none -> ErrorPages.send(request, 404, "no-tunnel", "Not Found",
                    "There is no tunnel here. Tunnels are served at http://<name>." + domain + "/ or at " + pathPrefix + "<name>/ on this host.");
            case Addressing.BadRequest bad -> ErrorPages.send(request, 400, "bad-request", "Bad Request", bad.reason());
        }
    }

    private void forward(HttpServerRequest request, Addressing.Tunnel tunnel) {
        Optional<TunnelOwner> owner = routes.http(tunnel.name());
        if (owner.isEmpty() && routes.offline(tunnel.name()).isPresent()) {
            LocalRoutes.Offline gone = routes.offline(tunnel.name()).get();
            long seconds = Duration.between(gone.since(), java.time.Instant.now()).toSeconds();
            ErrorPages.send(request, 502, "agent-offline", "Bad Gateway", "The agent serving tunnel '" + tunnel.name() + "' went offline "
                    + seconds + " s ago (" + gone.reason() + "). It may reconnect in a moment.");
            metrics.httpRequest(502, Duration.ZERO);
            return;
        }
        if (owner.isEmpty()) {
            ErrorPages.send(request, 404, "tunnel-not-found", "Tunnel Not Found",
                    "No agent is serving tunnel '" + tunnel.name() + "' right now. Start one with: porthole http <port> --subdomain " + tunnel.name());
            metrics.httpRequest(404, Duration.ZERO);
            return;
        }
        TunnelLimits limits = owner.get().limits(tunnel.name());
        if (!admitted(request, tunnel.name(), limits)) {
            return;
        }
        HttpExchange exchange = new HttpExchange(request, owner.get(), tunnel.name(), metrics, limits);
        String source = request.remoteAddress() == null ? "unknown" : request.remoteAddress().toString();
        exchange.start(vertx, forwarded.head(request, tunnel.uri(), tunnel.prefix(), exchange.isUpgrade()), source, responseTimeout);
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
            refuse(request, 413, "body-too-large", "Content Too Large", "Requests to tunnel '" + tunnel + "' may carry at most " + maxBody
                    + " bytes of body; this one declares " + length.trim() + ".");
            return false;
        }
        OptionalLong retryAfter = limits.admitRequest();
        if (retryAfter.isPresent()) {
            request.response().putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfter.getAsLong()));
            refuse(request, 429, "rate-limited", "Too Many Requests", "Tunnel '" + tunnel + "' takes at most "
                    + limits.requestsPerSecond() + " requests per second; retry in " + retryAfter.getAsLong() + " s.");
            return false;
        }
        if (!limits.openStream()) {
            refuse(request, 503, "tunnel-busy", "Service Unavailable", "Tunnel '" + tunnel + "' is serving as many requests as it may ("
                    + limits.maxStreams() + "); try again in a moment.");
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
