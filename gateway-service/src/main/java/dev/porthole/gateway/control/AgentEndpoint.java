package dev.porthole.gateway.control;

import dev.porthole.gateway.auth.AgentAuthenticator;
import dev.porthole.gateway.auth.AgentRejectedException;
import dev.porthole.gateway.auth.AgentSourceAddress;
import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.TunnelConfig;
import dev.porthole.gateway.ingress.ConnectionTakeover;
import dev.porthole.gateway.registry.PoolLane;
import dev.porthole.protocol.PeerText;
import dev.porthole.protocol.auth.AgentCredentials;
import dev.porthole.protocol.auth.Principal;
import dev.porthole.protocol.event.PortholeEvent;
import dev.porthole.protocol.mux.ChannelTransport;
import dev.porthole.protocol.mux.MuxSession;
import dev.porthole.protocol.mux.MuxSettings;
import io.quarkus.logging.Log;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.impl.WebSocketInternal;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * The agents' WebSocket endpoint: authenticates the upgrade request, then hands the socket to a
 * new {@link AgentSession}. A refused agent gets the HTTP status and a sentence it can print.
 */
@ApplicationScoped
public class AgentEndpoint {

    /** Header carrying the agent's id, stable across its reconnects. */
    public static final String AGENT_HEADER = "X-Porthole-Agent";
    /** Header carrying the client id (a JWT's {@code tid} must match it). */
    public static final String CLIENT_HEADER = "X-Porthole-Client";
    /** Header carrying which lane of its pool a connection is (capability {@code pool}); 0 without it. */
    public static final String LANE_HEADER = "X-Porthole-Lane";

    /** How long an agent refused for its client's session limit waits before trying again. */
    static final long SESSION_RETRY_SECONDS = 15;

    private static final Pattern AGENT_ID = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");
    private static final char[] ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    /** The name Vert.x gives the idle-timeout handler in a connection's pipeline. */
    private static final String IDLE_HANDLER = "idle";

    private final AgentAuthenticator authenticator;
    private final AgentSourceAddress sourceAddress;
    private final SessionServices services;
    private final MuxSettings settings;
    private final SecureRandom random = new SecureRandom();

    public AgentEndpoint(
            AgentAuthenticator authenticator,
            AgentSourceAddress sourceAddress,
            SessionServices services,
            GatewayConfig config) {
        this.authenticator = authenticator;
        this.sourceAddress = sourceAddress;
        this.services = services;
        this.settings = muxSettings(config.tunnel());
    }

    /** The limits agent connections get; a max-window below initial-window means a fixed window. */
    static MuxSettings muxSettings(TunnelConfig tunnel) {
        int frame = (int) tunnel.maxFrameSize().asLongValue();
        int window = (int) tunnel.initialWindow().asLongValue();
        int maxWindow = (int) Math.max(window, tunnel.maxWindow().asLongValue());
        return new MuxSettings(frame, window, maxWindow, tunnel.maxStreamsPerSession(), window);
    }

    /** WebSocket options the public server must use for agent connections. */
    public int maxFrameSize() {
        return settings.maxFrameSize();
    }

    /** Handles a request for the agent path. */
    public void handle(HttpServerRequest request) {
        if (!"websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))) {
            request.response()
                    .setStatusCode(426)
                    .putHeader(HttpHeaders.UPGRADE, "websocket")
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .end(
                            "This is the Porthole agent endpoint. Connect with the porthole agent, for example: porthole http 3000\n");
            return;
        }
        int lane = lane(request.getHeader(LANE_HEADER));
        if (lane < 0) {
            request.response()
                    .setStatusCode(400)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .end(LANE_HEADER + " must be a whole number from 0 to " + (PoolLane.MAX_LANES - 1) + "\n");
            return;
        }
        String agentId = request.getHeader(AGENT_HEADER);
        if (agentId == null || !AGENT_ID.matcher(agentId).matches()) {
            agentId = "anonymous-" + randomId(10);
        }
        String remote = address(request.remoteAddress());
        // Failures count per host (IPv6: per /64), not per connection: see AgentSourceAddress.
        AgentCredentials credentials = new AgentCredentials(
                request.getHeader(HttpHeaders.AUTHORIZATION),
                request.getHeader(CLIENT_HEADER),
                agentId,
                sourceAddress.of(request));
        Context context = Vertx.currentContext();
        request.pause();
        String id = agentId;
        String sessionId = "s-" + randomId(12);
        // Public places count per source as failures do: per host (IPv6: per /64), proxy-aware only when configured.
        String sourceHost = credentials.remoteAddress();
        authenticator
                .authenticate(credentials)
                .compose(principal -> holdPublicPlaces(principal, sourceHost, sessionId))
                .compose(principal -> holdSessionPlace(principal, id))
                .onComplete(result -> context.runOnContext(ignored -> {
                    if (result.failed()) {
                        services.publicPlaces().release(sessionId);
                        reject(request, result.cause(), remote);
                    } else {
                        ConnectionTakeover.toWebSocket(request)
                                .onSuccess(socket ->
                                        startSession(socket, result.result(), sessionId, id, lane, remote, sourceHost))
                                .onFailure(error -> {
                                    services.publicPlaces().release(sessionId);
                                    Log.debugf("agent upgrade from %s failed: %s", remote, error.getMessage());
                                });
                    }
                }));
    }

    /** A public session gets a place within the caps per source address and in total, or waits (429) until one frees. */
    private Future<Principal> holdPublicPlaces(Principal principal, String sourceHost, String sessionId) {
        return principal.isPublic()
                ? services.publicPlaces().acquire(sourceHost, sessionId).map(principal)
                : Future.succeededFuture(principal);
    }

    /** A client with a max-sessions grant gets a place across gateways, or waits (429) until one frees. */
    private Future<Principal> holdSessionPlace(Principal principal, String agentId) {
        int limit = principal.grants().maxSessions();
        if (limit <= 0) {
            return Future.succeededFuture(principal);
        }
        return services.quotas()
                .acquireSession(principal.clientId(), agentId, limit)
                .recover(error -> Future.failedFuture(new AgentRejectedException(
                        503,
                        "the gateway cannot check the session limit right now (Redis unreachable); the agent will retry",
                        SESSION_RETRY_SECONDS)))
                .compose(acquired -> {
                    if (acquired) {
                        return Future.succeededFuture(principal);
                    }
                    String reason = "client '" + principal.clientId() + "' already has " + limit
                            + (limit == 1 ? " agent session" : " agent sessions")
                            + ", its limit; stop one or ask an administrator to raise maxSessions";
                    services.events()
                            .publish(new PortholeEvent.LimitHit(
                                    services.instance().id(),
                                    principal.clientId(),
                                    "",
                                    "sessions",
                                    "agent " + agentId + " refused: " + limit + " sessions already open"));
                    return Future.failedFuture(new AgentRejectedException(429, reason, SESSION_RETRY_SECONDS));
                });
    }

    private void startSession(
            ServerWebSocket socket,
            Principal principal,
            String sessionId,
            String agentId,
            int lane,
            String remote,
            String sourceHost) {
        // The connection's idle handler goes (a scheduled task per agent): the handshake timeout
        // closes an agent that never says HELLO, and the heartbeat one that falls silent after it.
        if (socket instanceof WebSocketInternal internal
                && internal.channelHandlerContext().pipeline().get(IDLE_HANDLER) != null) {
            internal.channelHandlerContext().pipeline().remove(IDLE_HANDLER);
        }
        // The session takes the channel from Vert.x, which would otherwise keep its WebSocket, HTTP
        // connection and the upgrade request's URI, path and host for as long as the agent stays.
        ChannelTransport transport = ChannelTransport.of(socket);
        MuxSession mux = new MuxSession(Vertx.currentContext(), transport, settings, MuxSession.Role.GATEWAY);
        // An agent that does not read what it is sent cannot make the gateway queue answers without bound.
        mux.stopReadingWhileWriteQueueFull();
        // Nor can one that reconnects after each close write a line each time.
        mux.logProtocolErrorsWhile(services.logBudgets().of("protocol errors", sourceHost)::allow);
        AgentSession session = new AgentSession(services, mux, principal, sessionId, agentId, lane, remote, sourceHost);
        mux.listener(session);
        // Started, then bound: a connection that closed meanwhile is reported to a session that can clean up.
        session.start();
        transport.bind(mux);
    }

    /** The lane an upgrade's {@link #LANE_HEADER} names: 0 without one, -1 for one that is not a lane number. */
    static int lane(String header) {
        if (header == null) {
            return 0;
        }
        String value = header.trim();
        if (value.isEmpty() || value.length() > 2 || !value.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        int lane = Integer.parseInt(value);
        return lane < PoolLane.MAX_LANES ? lane : -1;
    }

    private void reject(HttpServerRequest request, Throwable cause, String remote) {
        int status;
        String reason;
        long retryAfter = 0;
        if (cause instanceof AgentRejectedException rejected) {
            status = rejected.status();
            reason = rejected.getMessage();
            retryAfter = rejected.retryAfterSeconds();
        } else {
            status = 503;
            reason = "authentication is unavailable right now; the agent will retry";
            Log.warnf("cannot authenticate agent from %s: %s", remote, cause.toString());
        }
        services.metrics().agentRejected(status);
        Log.infof("agent from %s refused (%d): %s", remote, status, PeerText.escape(reason));
        var response = request.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8");
        if (retryAfter > 0) {
            response.putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfter));
        }
        response.end(reason);
    }

    private String randomId(int length) {
        StringBuilder id = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            id.append(ID_ALPHABET[random.nextInt(ID_ALPHABET.length)]);
        }
        return id.toString();
    }

    /** {@code host:port}, with brackets around an IPv6 host. */
    static String address(SocketAddress address) {
        if (address == null) {
            return "unknown";
        }
        String host = address.hostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.port();
    }
}
