package dev.porthole.gateway.dial;

import dev.porthole.gateway.auth.AgentAuthenticator;
import dev.porthole.gateway.auth.AgentRejectedException;
import dev.porthole.gateway.auth.AgentSourceAddress;
import dev.porthole.gateway.cluster.PeerStreams;
import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.limits.TunnelLimits;
import dev.porthole.gateway.logging.LogFields;
import dev.porthole.gateway.logging.SourceLogBudgets;
import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.gateway.registry.LocalRoutes;
import dev.porthole.gateway.registry.TunnelKey;
import dev.porthole.gateway.registry.TunnelOwner;
import dev.porthole.protocol.PeerText;
import dev.porthole.protocol.auth.AgentCredentials;
import dev.porthole.protocol.auth.Principal;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.mux.StreamResetException;
import dev.porthole.protocol.registry.TunnelNames;
import dev.porthole.protocol.relay.HalfCloseSocket;
import io.quarkus.logging.Log;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.HostAndPort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;

/**
 * The public listener as an HTTP proxy to private tunnels: {@code CONNECT <name>:<port>} with an
 * agent's token in {@code Proxy-Authorization} reaches the private tunnel {@code name}, as
 * {@code porthole connect name} would, with the same checks: the token through the agents'
 * authentication, the dial grant on every CONNECT, the tunnel's stream limit and pacing. It is no
 * open proxy: a target that is not a tunnel name is refused before any credential is looked at,
 * and a public tunnel's name is refused too. The port is not used: a private tunnel has none.
 */
@ApplicationScoped
public class ConnectProxy {

    /** The challenges of a 407: curl's {@code -U user:token} answers the first, a client with a bearer token the second. */
    static final List<String> CHALLENGES = List.of("Basic realm=\"porthole\"", "Bearer realm=\"porthole\"");

    private static final String TARGET_FORM = "CONNECT takes '<private tunnel name>:<port>', for example db:5432";

    private final boolean enabled;
    private final boolean localTokens;
    private final AgentAuthenticator authenticator;
    private final AgentSourceAddress sourceAddress;
    private final PrivateDialer dialer;
    private final LocalRoutes routes;
    private final PeerStreams peers;
    private final GatewayMetrics metrics;
    private final SourceLogBudgets logBudgets;

    public ConnectProxy(
            GatewayConfig config,
            AgentAuthenticator authenticator,
            AgentSourceAddress sourceAddress,
            PrivateDialer dialer,
            LocalRoutes routes,
            PeerStreams peers,
            GatewayMetrics metrics,
            SourceLogBudgets logBudgets) {
        this.enabled = config.connect().enabled();
        this.localTokens = config.auth().serviceUrl().isEmpty();
        this.authenticator = authenticator;
        this.sourceAddress = sourceAddress;
        this.dialer = dialer;
        this.routes = routes;
        this.peers = peers;
        this.metrics = metrics;
        this.logBudgets = logBudgets;
    }

    /** Answers a visitor's {@code CONNECT}: a tunnel to the private tunnel it names, or a refusal saying why. */
    public void handle(HttpServerRequest request) {
        if (!enabled) {
            request.response().putHeader(HttpHeaders.ALLOW, "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
            refuse(
                    request,
                    405,
                    "disabled",
                    "this gateway does not take CONNECT (porthole.gateway.connect.enabled is false)");
            return;
        }
        HostAndPort target = HostAndPort.parseAuthority(request.uri(), -1);
        if (target == null || target.port() < 1 || target.port() > 65535) {
            refuse(request, 400, "bad-target", TARGET_FORM + ", not '" + PeerText.escape(request.uri()) + "'");
            return;
        }
        String name = target.host().toLowerCase(Locale.ROOT);
        if (TunnelNames.problem(name) != null) {
            refuse(
                    request,
                    403,
                    "not-private",
                    "this gateway is not an open proxy: CONNECT reaches private tunnels only, by name (" + TARGET_FORM
                            + ")");
            return;
        }
        String header = request.getHeader(HttpHeaders.PROXY_AUTHORIZATION);
        if (header == null || header.isBlank()) {
            unauthenticated(
                    request,
                    "CONNECT needs an agent token: send Proxy-Authorization: Bearer <token>, or use curl -U x:<token>");
            return;
        }
        ProxyCredentials credentials;
        try {
            credentials = ProxyCredentials.parse(header, localTokens);
        } catch (IllegalArgumentException e) {
            unauthenticated(request, e.getMessage());
            return;
        }
        String sourceHost = sourceAddress.of(request);
        String remote = request.remoteAddress() == null
                ? sourceHost
                : request.remoteAddress().toString();
        Context context = Vertx.currentContext();
        request.pause();
        authenticator
                .authenticate(new AgentCredentials(
                        credentials.authorization(), credentials.clientId(), "connect-proxy", sourceHost))
                .onComplete(result -> context.runOnContext(ignored -> {
                    if (result.failed()) {
                        rejected(request, result.cause(), sourceHost);
                    } else {
                        dial(
                                request,
                                result.result(),
                                name,
                                "client " + result.result().clientId() + " at " + remote + " (CONNECT)",
                                sourceHost);
                    }
                }));
    }

    /** An authenticated CONNECT: checks the grant on this CONNECT, then serves it here or where the tunnel is. */
    private void dial(HttpServerRequest request, Principal client, String name, String source, String sourceHost) {
        if (!client.grants().allowsDial(name)) {
            if (logBudgets.of("connect refusals", sourceHost).allow()) {
                try (LogFields fields = LogFields.of(client.clientId(), name)) {
                    Log.infof(
                            "client %s may not dial private tunnel '%s'; CONNECT from %s refused",
                            client.clientId(), name, sourceHost);
                }
            }
            refuse(
                    request,
                    403,
                    "forbidden",
                    "client '" + client.clientId() + "' may not dial private tunnel '" + name
                            + "'; ask an administrator to grant it");
            return;
        }
        TunnelOwner owner = routes.privateTunnel(name).orElse(null);
        if (owner != null) {
            TunnelLimits limits = owner.limits(name);
            if (!limits.openStream()) {
                metrics.tcpConnection("refused");
                refuse(
                        request,
                        503,
                        "refused",
                        "private tunnel '" + name + "' has " + limits.maxStreams()
                                + " connections open, its limit; try again later");
                return;
            }
            metrics.connectRequest("opened");
            peers.tcpSocket(request)
                    .onSuccess(socket -> dialer.serve(owner, limits, HalfCloseSocket.wrap(socket), name, source))
                    .onFailure(error -> limits.closeStream());
            return;
        }
        if (routes.http(name).isPresent()) {
            refuse(
                    request,
                    403,
                    "not-private",
                    "'" + name + "' is not a private tunnel; CONNECT reaches private tunnels only (this one is"
                            + " served over HTTP at its own address)");
            return;
        }
        if (!peers.enabled()) {
            refuse(request, 404, "not-found", "no agent publishes private tunnel '" + name + "' on this gateway");
            return;
        }
        carry(request, name, source);
    }

    /** A private tunnel another instance may hold: carried there; its answer decides the status. */
    private void carry(HttpServerRequest request, String name, String source) {
        Context context = Vertx.currentContext();
        peers.open(TunnelKey.privateTunnel(name), source)
                .onComplete(carried -> context.runOnContext(ignored -> {
                    if (carried.failed()) {
                        ResetCode code = carried.cause() instanceof StreamResetException reset
                                ? reset.code()
                                : ResetCode.INTERNAL;
                        String reason = carried.cause().getMessage();
                        switch (code) {
                            case NO_SUCH_TUNNEL -> refuse(request, 404, "not-found", reason);
                            case LIMIT_REACHED -> refuse(request, 503, "refused", reason);
                            default -> refuse(request, 502, "unavailable", reason);
                        }
                        return;
                    }
                    metrics.connectRequest("opened");
                    peers.tcpSocket(request)
                            .onSuccess(socket ->
                                    dialer.relayCarried(HalfCloseSocket.wrap(socket), carried.result(), name, source))
                            .onFailure(error -> carried.result().close());
                }));
    }

    /** The authentication refused the token (407, counted like a failed agent login), the client (403), or could not decide. */
    private void rejected(HttpServerRequest request, Throwable cause, String sourceHost) {
        if (!(cause instanceof AgentRejectedException rejected)) {
            Log.warnf("cannot authenticate a CONNECT from %s: %s", sourceHost, cause.toString());
            request.response().putHeader(HttpHeaders.RETRY_AFTER, "5");
            refuse(request, 503, "unavailable", "authentication is unavailable right now; try again in a moment");
            return;
        }
        if (rejected.retryAfterSeconds() > 0) {
            request.response().putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(rejected.retryAfterSeconds()));
        }
        switch (rejected.status()) {
            case 401 -> unauthenticated(request, rejected.getMessage());
            case 403 -> refuse(request, 403, "forbidden", rejected.getMessage());
            case 429 -> refuse(request, 429, "unauthenticated", rejected.getMessage());
            default -> refuse(request, 503, "unavailable", rejected.getMessage());
        }
    }

    private void unauthenticated(HttpServerRequest request, String reason) {
        request.response().headers().add("Proxy-Authenticate", CHALLENGES);
        refuse(request, 407, "unauthenticated", reason);
    }

    /** A refusal: the status, a one-line reason as the body, and the connection closed after it. */
    private void refuse(HttpServerRequest request, int status, String outcome, String reason) {
        metrics.connectRequest(outcome);
        request.resume();
        HttpServerResponse response = request.response();
        if (response.headWritten()) {
            return;
        }
        response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(reason + "\n")
                // Closed here: what the client sends next is not a request this connection should read.
                .onComplete(ended -> request.connection().close());
    }
}
