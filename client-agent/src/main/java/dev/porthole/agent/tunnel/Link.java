package dev.porthole.agent.tunnel;

import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.ProtocolVersion;
import dev.porthole.protocol.message.Capabilities;
import dev.porthole.protocol.message.GoAway;
import dev.porthole.protocol.message.Hello;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.Welcome;
import dev.porthole.protocol.mux.MuxSession;
import dev.porthole.protocol.mux.MuxSettings;
import dev.porthole.protocol.mux.WebSocketTransport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.impl.WebSocketInternal;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/** One of the agent's connections over time: its back-off, its live session, its reconnects. */
final class Link {

    // Plain JBoss Logging rather than Quarkus's static Log (the dial API uses the agent outside Quarkus), in
    // TunnelClient's category.
    private static final Logger LOG = Logger.getLogger(TunnelClient.class);
    private static final Duration WELCOME_TIMEOUT = Duration.ofSeconds(15);
    /** How long one attempt waits for the TCP (and TLS) connection. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    /** The longest wait before connecting again after a draining gateway refused the handshake. */
    private static final Duration DRAINING_RETRY_CAP = Duration.ofMillis(500);
    /** Names the reason of a gateway's refusal ({@code draining} when it is stopping). */
    private static final String ERROR_HEADER = "X-Porthole-Error";

    private final TunnelClient client;
    private final Vertx vertx;
    private final AgentSettings settings;
    private final TunnelListener listener;
    private final String version;
    private final WebSocketClient webSockets;
    private final MuxSettings muxSettings;
    private final String label;
    final Backoff backoff;
    volatile MuxSession current;
    /** The live connection's socket (the last one once closed), or null before the first. */
    private volatile WebSocket socket;

    volatile Connection connection;
    volatile MuxSession dialable;
    private volatile long retryTimer = -1;
    /** The gateway instance of the welcomed session, or null while there is none. */
    volatile String instance;

    volatile boolean started;
    volatile boolean stopped;
    /** Second link: waiting long after landing on the first's instance again and again. */
    private volatile boolean parked;
    /** Second link: landings on the first's instance in a row. */
    int sameInstance;

    boolean aloneReported;
    /** When this link first tried to connect (System.nanoTime), for the first-connect window; 0 before. */
    private long firstAttemptNanos;

    Link(TunnelClient client, String label, Backoff backoff, WebSocketClient webSockets) {
        this.client = client;
        this.vertx = client.vertx();
        this.settings = client.settings();
        this.listener = client.listener();
        this.version = client.version();
        this.muxSettings = client.muxSettings();
        this.webSockets = webSockets;
        this.label = label;
        this.backoff = backoff;
    }

    boolean isSecond() {
        return this == client.second();
    }

    String instanceOrEmpty() {
        String now = instance;
        return now == null ? "" : now;
    }

    /**
     * Stops: GOAWAY and a normal close on the live connection. The future completes once its socket
     * is closed, which the gateway does after it read both (at once when there is no connection).
     */
    Future<Void> stop() {
        stopped = true;
        if (retryTimer >= 0) {
            vertx.cancelTimer(retryTimer);
        }
        MuxSession session = current;
        if (session != null && !session.isClosed()) {
            session.send(new GoAway(CloseCode.NORMAL.code(), "agent stopped"));
            session.close(CloseCode.NORMAL, "agent stopped");
        }
        return closed(socket);
    }

    private static Future<Void> closed(WebSocket socket) {
        if (!(socket instanceof WebSocketInternal internal)) {
            return Future.succeededFuture();
        }
        Promise<Void> closed = Promise.promise();
        internal.channelHandlerContext().channel().closeFuture().addListener(ignored -> closed.tryComplete());
        return closed.future();
    }

    /** What this link asks for: everything for the first, the HTTP tunnels for the second. */
    List<TunnelSpec> asks() {
        List<TunnelSpec> all = client.requests();
        return isSecond()
                ? all.stream()
                        .filter(spec -> spec.kind() == TunnelKind.HTTP && !spec.privateTunnel())
                        .toList()
                : all;
    }

    void connect() {
        started = true;
        if (client.stopping() || stopped) {
            return;
        }
        if (firstAttemptNanos == 0) {
            firstAttemptNanos = System.nanoTime();
        }
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setAbsoluteURI(settings.endpoint().toString())
                .addHeader(TunnelClient.AGENT_HEADER, settings.agentId())
                .addHeader(HttpHeaders.USER_AGENT.toString(), "porthole-agent/" + version)
                .setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        String header = client.authorization();
        if (header != null) {
            options.addHeader(HttpHeaders.AUTHORIZATION.toString(), header);
        }
        if (settings.clientId() != null) {
            options.addHeader(TunnelClient.CLIENT_HEADER, settings.clientId());
        }
        webSockets.connect(options).onComplete(result -> {
            if (result.succeeded()) {
                open(result.result());
            } else {
                connectFailed(result.cause());
            }
        });
    }

    private void open(WebSocket socket) {
        if (client.stopping() || stopped) {
            socket.close();
            return;
        }
        Context context = Vertx.currentContext() != null ? Vertx.currentContext() : vertx.getOrCreateContext();
        WebSocketTransport transport = new WebSocketTransport(socket);
        MuxSession session = new MuxSession(context, transport, muxSettings, MuxSession.Role.AGENT);
        Connection connection = new Connection(client, this, session, transport);
        session.listener(connection);
        WebSocketTransport.bind(socket, session);
        current = session;
        this.socket = socket;
        this.connection = connection;
        List<TunnelSpec> asked = asks();
        Set<String> capabilities = new HashSet<>(Set.of(
                Capabilities.HTTP,
                Capabilities.TCP,
                Capabilities.PRIVATE,
                Capabilities.UNMASKED,
                Capabilities.TRAILERS));
        if (settings.ha()) {
            capabilities.add(Capabilities.HA);
        }
        if (client.acceptor().datagrams() != null) {
            // An agent that dials a private UDP tunnel takes DATAGRAM frames without asking for a UDP tunnel.
            capabilities.add(Capabilities.UDP);
        }
        session.send(new Hello(
                ProtocolVersion.MIN,
                ProtocolVersion.MAX,
                version,
                settings.agentId(),
                capabilities,
                muxSettings.initialWindow(),
                muxSettings.maxFrameSize(),
                asked.stream().map(TunnelSpec::request).toList()));
        connection.asked = asked;
        connection.welcomeTimer = vertx.setTimer(WELCOME_TIMEOUT.toMillis(), id -> {
            if (!connection.welcomed) {
                session.close(CloseCode.PROTOCOL_ERROR, "no WELCOME within " + WELCOME_TIMEOUT.toSeconds() + " s");
            }
        });
    }

    private void connectFailed(Throwable cause) {
        if (cause instanceof UpgradeRejectedException rejected) {
            String body = rejected.getBody() == null
                    ? ""
                    : rejected.getBody().toString().trim();
            int status = rejected.getStatus();
            String reason = body.isEmpty() ? "the gateway refused the connection (HTTP " + status + ")" : body;
            if (status == 503
                    && rejected.getHeaders() != null
                    && "draining".equals(rejected.getHeaders().get(ERROR_HEADER))) {
                // The gateway is stopping: the next attempt, through the load balancer, reaches another one; no long
                // back-off.
                retry(reason, null, DRAINING_RETRY_CAP);
                return;
            }
            switch (status) {
                case 401, 403 -> {
                    end(new AgentExit(AgentExit.AUTH_FAILED, reason));
                    return;
                }
                case 404, 426 -> {
                    end(new AgentExit(
                            AgentExit.CONFIG_ERROR,
                            "no Porthole agent endpoint at " + settings.endpoint() + " (HTTP " + status
                                    + "); check --server"));
                    return;
                }
                default -> {
                    String retryAfter = rejected.getHeaders() == null
                            ? null
                            : rejected.getHeaders().get(HttpHeaders.RETRY_AFTER);
                    retry(reason, retryAfter == null ? null : Duration.ofSeconds(parseSeconds(retryAfter)), null);
                    return;
                }
            }
        }
        java.util.Optional<String> refused = GatewayTrust.certificateRefusal(cause);
        if (refused.isPresent()) {
            end(new AgentExit(
                    AgentExit.TLS_UNVERIFIED,
                    "the gateway at " + settings.server() + " did not prove its identity: " + refused.get()
                            + "; if it uses a private CA, give it with --ca FILE (env CA_FILE)"));
            return;
        }
        ConnectDiagnosis diagnosis = ConnectDiagnosis.of(cause, settings);
        if (diagnosis != null && !isSecond() && !client.everConnected()) {
            // Before the first handshake a failure like these is most likely a mistake in --server: say so and stop.
            if (diagnosis.mistake()) {
                end(new AgentExit(AgentExit.CONFIG_ERROR, diagnosis.sentence()));
                return;
            }
            Duration window = settings.firstConnectWindow();
            Duration tried = Duration.ofNanos(System.nanoTime() - firstAttemptNanos);
            if (!window.isZero() && tried.compareTo(window) >= 0) {
                end(
                        new AgentExit(
                                AgentExit.UNREACHABLE,
                                diagnosis.sentence() + " (no connection in " + tried.toSeconds()
                                        + " s; once connected, the agent keeps reconnecting; --first-connect-timeout sets this wait)"));
                return;
            }
        }
        retry(
                "cannot reach the gateway at " + settings.server() + ": "
                        + (diagnosis == null ? describe(cause) : diagnosis.sentence()),
                null,
                null);
    }

    /** The first link ends the agent; the second only stops itself (the first meets the same refusal and says so). */
    void end(AgentExit result) {
        if (isSecond()) {
            stopped = true;
            LOG.infof("HA: the second connection stops: %s", result.message());
            return;
        }
        client.finish(result);
    }

    /** Schedules the next attempt after the back-off's delay, raised to {@code atLeast} and capped at {@code atMost} (each optional). */
    void retry(String reason, Duration atLeast, Duration atMost) {
        if (client.stopping() || stopped) {
            return;
        }
        if (!isSecond() && settings.maxAttempts() > 0 && backoff.attempts() >= settings.maxAttempts()) {
            client.finish(new AgentExit(
                    AgentExit.UNREACHABLE, reason + " (gave up after " + settings.maxAttempts() + " attempts)"));
            return;
        }
        Duration delay = backoff.next();
        if (atLeast != null && delay.compareTo(atLeast) < 0) {
            delay = atLeast;
        }
        if (atMost != null && delay.compareTo(atMost) > 0) {
            delay = atMost;
        }
        schedule(reason, delay);
    }

    void schedule(String reason, Duration delay) {
        if (isSecond()) {
            LOG.debugf("HA: second connection: %s; again in %d ms", reason, delay.toMillis());
        } else {
            listener.retrying(reason, delay);
        }
        retryTimer = vertx.setTimer(Math.max(1, delay.toMillis()), id -> {
            retryTimer = -1;
            connect();
        });
    }

    /**
     * Second link: one instance is all the balancer offers. Each attempt costs the gateway a
     * session (events, log lines), so the next comes after a long pause, or when the first
     * connection reconnects (the gateways may have changed); one more landing there parks it again.
     */
    void park() {
        parked = true;
        retryTimer = vertx.setTimer(TunnelClient.PARKED_RETRY.toMillis(), id -> {
            retryTimer = -1;
            unpark(TunnelClient.SAME_INSTANCE_LIMIT - 1);
        });
    }

    /** Tries again now, parking after {@code SAME_INSTANCE_LIMIT - landingsSoFar} more landings on the first's instance. */
    void unpark(int landingsSoFar) {
        if (!parked) {
            return;
        }
        parked = false;
        if (retryTimer >= 0) {
            vertx.cancelTimer(retryTimer);
            retryTimer = -1;
        }
        sameInstance = landingsSoFar;
        connect();
    }

    /** The first link is welcomed: start the second once the gateway is known to support HA, and keep the two apart. */
    void firstWelcomed(Welcome welcome) {
        Link second = client.second();
        if (second == null) {
            return;
        }
        if (!welcome.capabilities().contains(Capabilities.HA)
                || welcome.gatewayId().isEmpty()) {
            if (!second.aloneReported) {
                second.aloneReported = true;
                LOG.infof(
                        "HA: the gateway at %s does not support HA connections (an older release); running with one connection",
                        settings.server());
            }
            return;
        }
        if (second.asks().isEmpty()) {
            if (!second.aloneReported) {
                second.aloneReported = true;
                LOG.info(
                        "HA: no HTTP tunnel to hold twice (TCP and private tunnels are served by one connection); running with one connection");
            }
            return;
        }
        Connection other = second.connection;
        if (welcome.gatewayId().equals(second.instance) && other != null) {
            // The first connection came back on the second's instance: the second moves elsewhere.
            LOG.infof(
                    "HA: both connections are on gateway instance %s; the second reconnects to reach another",
                    welcome.gatewayId());
            other.leave("same gateway instance as the agent's other HA connection");
            second.retry("moving off the first connection's gateway instance", null, null);
            return;
        }
        if (!second.started) {
            second.connect();
        } else {
            second.unpark(0);
        }
    }

    private static long parseSeconds(String value) {
        try {
            return Math.max(0, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }
}
