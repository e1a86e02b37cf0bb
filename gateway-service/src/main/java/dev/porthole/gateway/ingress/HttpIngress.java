package dev.porthole.gateway.ingress;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.control.AgentEndpoint;
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
        HttpExchange exchange = new HttpExchange(request, owner.get(), tunnel.name(), metrics);
        String source = request.remoteAddress() == null ? "unknown" : request.remoteAddress().toString();
        exchange.start(vertx, forwarded.head(request, tunnel.uri(), tunnel.prefix(), exchange.isUpgrade()), source, responseTimeout);
    }
}
