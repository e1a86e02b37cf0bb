package dev.porthole.gateway.ingress;

import dev.porthole.gateway.cluster.ClusterMembership;
import dev.porthole.gateway.cluster.PeerStreams;
import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.control.AgentEndpoint;
import dev.porthole.gateway.control.PublicAddresses;
import dev.porthole.gateway.dial.ConnectProxy;
import dev.porthole.gateway.dial.PrivateDialer;
import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.gateway.shutdown.Draining;
import dev.porthole.gateway.tcp.PortListeners;
import dev.porthole.gateway.tls.passthrough.PassthroughListener;
import dev.porthole.protocol.message.ResetCode;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import jakarta.inject.Singleton;

/**
 * Every request on the public port: to the agents' endpoint, to a tunnel ({@link TunnelRouting}),
 * a stream another gateway carries here, or an error page.
 */
@Singleton
public class HttpIngress {

    private final Addressing addressing;
    private final TunnelRouting tunnels;
    private final AgentEndpoint agents;
    private final GatewayMetrics metrics;
    private final String domain;
    private final String scheme;
    private final String pathPrefix;
    private final boolean pathRouting;
    private final Draining draining;
    private final ClusterMembership cluster;
    private final PortListeners ports;
    private final PrivateDialer dialer;
    private final PassthroughListener passthrough;
    private final ConnectProxy connect;

    public HttpIngress(
            Addressing addressing,
            TunnelRouting tunnels,
            AgentEndpoint agents,
            GatewayMetrics metrics,
            GatewayConfig config,
            Draining draining,
            ClusterMembership cluster,
            PortListeners ports,
            PrivateDialer dialer,
            PassthroughListener passthrough,
            ConnectProxy connect) {
        this.connect = connect;
        this.passthrough = passthrough;
        this.cluster = cluster;
        this.ports = ports;
        this.dialer = dialer;
        this.draining = draining;
        this.addressing = addressing;
        this.tunnels = tunnels;
        this.agents = agents;
        this.metrics = metrics;
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
                ErrorPages.refuse(
                        request,
                        metrics,
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
            case Addressing.Tunnel tunnel -> tunnels.route(request, tunnel, fromPeer);
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
}
