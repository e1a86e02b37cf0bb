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
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.impl.WebSocketInternal;
import io.vertx.core.impl.VertxInternal;
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

    private final TunnelClient client;
    private final Vertx vertx;
    private final AgentSettings settings;
    private final TunnelListener listener;
    private final String version;
    private final WebSocketClient webSockets;
    private final MuxSettings muxSettings;
    private final String label;
    /** Its lane of the agent's pool: 0 for the first link (and HA's second), 1 onwards for the pool's others. */
    final int lane;
    /** The event loop its connections run on: a pool's lanes each have their own. */
    private final Context context;

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
    long firstAttemptNanos;

    Link(TunnelClient client, String label, int lane, Backoff backoff, WebSocketClient webSockets) {
        this.client = client;
        this.vertx = client.vertx();
        this.settings = client.settings();
        this.listener = client.listener();
        this.version = client.version();
        this.muxSettings = client.muxSettings();
        this.webSockets = webSockets;
        this.label = label;
        this.lane = lane;
        this.context = ((VertxInternal) vertx).createEventLoopContext();
        this.backoff = backoff;
    }

    boolean isSecond() {
        return this == client.second();
    }

    TunnelClient client() {
        return client;
    }

    AgentSettings settings() {
        return settings;
    }

    /** The event loop its connections run on. */
    Context context() {
        return context;
    }

    /** One of the pool's lanes after the first. */
    boolean isLane() {
        return lane > 0;
    }

    /** The HA second or a pool lane: HTTP tunnels only, and it stops only itself. */
    boolean isExtra() {
        return isSecond() || isLane();
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

    /** What this link asks for: everything for the first, the HTTP tunnels for the second and the lanes. */
    List<TunnelSpec> asks() {
        List<TunnelSpec> all = client.requests();
        return isExtra()
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
        if (isLane()) {
            options.addHeader(TunnelClient.LANE_HEADER, String.valueOf(lane));
        }
        // On the link's own event loop: the connection, its session and the streams it serves stay there.
        context.runOnContext(ignored -> webSockets.connect(options).onComplete(result -> {
            if (result.succeeded()) {
                open(result.result());
            } else {
                ConnectFailures.handle(this, result.cause());
            }
        }));
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
        if (settings.ha() || settings.connections() > 1) {
            capabilities.add(Capabilities.HA);
        }
        if (settings.connections() > 1) {
            capabilities.add(Capabilities.POOL);
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

    /** The first link ends the agent; the others only stop themselves (the first meets the same refusal and says so). */
    void end(AgentExit result) {
        if (isExtra()) {
            stopped = true;
            LOG.infof("%s stops: %s", describeExtra(), result.message());
            return;
        }
        client.finish(result);
    }

    /** Schedules the next attempt after the back-off's delay, raised to {@code atLeast} and capped at {@code atMost} (each optional). */
    void retry(String reason, Duration atLeast, Duration atMost) {
        if (client.stopping() || stopped) {
            return;
        }
        if (!isExtra() && settings.maxAttempts() > 0 && backoff.attempts() >= settings.maxAttempts()) {
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
        if (isExtra()) {
            LOG.debugf("%s: %s; again in %d ms", describeExtra(), reason, delay.toMillis());
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

    /** How log lines name the HA second or a lane. */
    String describeExtra() {
        return isSecond()
                ? "HA: the second connection"
                : "pool: connection " + (lane + 1) + " of " + settings.connections();
    }
}
