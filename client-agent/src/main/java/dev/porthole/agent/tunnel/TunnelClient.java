package dev.porthole.agent.tunnel;

import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.ProtocolVersion;
import dev.porthole.protocol.frame.ProtocolException;
import dev.porthole.protocol.message.Capabilities;
import dev.porthole.protocol.message.Config;
import dev.porthole.protocol.message.ConnectionMessage;
import dev.porthole.protocol.message.GoAway;
import dev.porthole.protocol.message.Hello;
import dev.porthole.protocol.message.Notice;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.Ping;
import dev.porthole.protocol.message.Pong;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.protocol.message.Welcome;
import dev.porthole.protocol.mux.MuxListener;
import dev.porthole.protocol.mux.MuxSession;
import dev.porthole.protocol.mux.MuxSettings;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.protocol.mux.WebSocketTransport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The agent's side of a tunnel: connects to the gateway, claims the tunnels, serves the streams
 * the gateway opens, and reconnects with back-off until it is stopped or refused for good. After
 * the first connection it asks for the names it was given, so a random URL survives reconnects.
 *
 * <p>With {@link AgentSettings#ha()} it keeps a second connection, which must reach another gateway
 * instance than the first (WELCOME names the instance; the load balancer decides where a connection
 * lands, so one that lands on the first's instance is closed and tried again), and which holds the
 * HTTP tunnels too. Each connection reconnects on its own, so losing one gateway instance leaves the
 * tunnels served by the other. TCP and private tunnels are served by the first connection only: a
 * port or a private name is bound on one gateway instance.
 */
public final class TunnelClient {

    /** Headers of the handshake; see the gateway's AgentEndpoint. */
    public static final String AGENT_HEADER = "X-Porthole-Agent";
    public static final String CLIENT_HEADER = "X-Porthole-Client";

    // Plain JBoss Logging rather than Quarkus's static Log: the dial API uses this class outside Quarkus.
    private static final Logger LOG = Logger.getLogger(TunnelClient.class);
    private static final Duration WELCOME_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration GOING_AWAY_DELAY = Duration.ofMillis(200);
    /** How long a connection the agent gave up may finish its streams. */
    private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(60);
    /** Landings of the second HA connection on the first's instance in a row after which the agent says only one instance is reachable. */
    static final int SAME_INSTANCE_LIMIT = 4;
    /** How long the second HA connection waits after that, unless the first reconnects. */
    static final Duration PARKED_RETRY = Duration.ofMinutes(10);
    /** The longest wait before connecting again after a draining gateway refused the handshake. */
    private static final Duration DRAINING_RETRY_CAP = Duration.ofMillis(500);
    /** Names the reason of a gateway's refusal ({@code draining} when it is stopping). */
    private static final String ERROR_HEADER = "X-Porthole-Error";

    private final Vertx vertx;
    private final AgentSettings settings;
    private final StreamAcceptor acceptor;
    private final TunnelListener listener;
    private final String version;
    private final WebSocketClient webSockets;
    private final MuxSettings muxSettings = MuxSettings.DEFAULTS;
    private final Promise<AgentExit> exit = Promise.promise();
    /** The first connection: every tunnel, and what the listener hears about. */
    private final Link primary;
    /** The second HA connection (HTTP tunnels only), or null without {@code --ha}. */
    private final Link second;
    private volatile List<TunnelSpec> requests;
    /** The Authorization header of the next handshake; replaced by {@link #renewAuthorization}. */
    private volatile String authorization;
    private volatile boolean stopping;
    private volatile boolean everConnected;

    public TunnelClient(Vertx vertx, AgentSettings settings, StreamAcceptor acceptor, TunnelListener listener, Backoff backoff, String version) {
        this.vertx = vertx;
        this.settings = settings;
        this.acceptor = acceptor;
        this.listener = listener;
        this.version = version;
        this.requests = settings.tunnels();
        this.authorization = settings.authorization();
        this.primary = new Link("first", backoff);
        this.second = settings.ha() ? new Link("second", backoff.another()) : null;
        this.webSockets = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxFrameSize(muxSettings.maxFrameSize())
                .setMaxMessageSize(muxSettings.maxFrameSize())
                .setTryUsePerMessageCompression(false)
                .setTryUsePerFrameCompression(false)
                .setConnectTimeout(10_000)
                .setTcpNoDelay(true));
    }

    /** Connects and keeps connecting; completes when the agent stops for good. */
    public Future<AgentExit> start() {
        primary.connect();
        return exit.future();
    }

    /**
     * Uses {@code header} as the Authorization of every later handshake. The live connection is
     * left alone: the gateway checks credentials at the handshake only, so its streams go on.
     */
    public void renewAuthorization(String header) {
        authorization = header;
    }

    /** Stops: tells the gateway, closes the connections, completes {@link #start()}'s future with a normal exit. */
    public void stop() {
        stopping = true;
        primary.stop();
        if (second != null) {
            second.stop();
        }
        exit.tryComplete(AgentExit.normal());
    }

    /** The gateway instances the connections are on now (the first's, then the second's), for tests and logs; empty entries while down. */
    public List<String> instances() {
        return second == null ? List.of(primary.instanceOrEmpty()) : List.of(primary.instanceOrEmpty(), second.instanceOrEmpty());
    }

    /**
     * Opens a stream through the gateway to the private tunnel {@code tunnel} ({@code porthole
     * connect}); the gateway checks this agent's grants for every such stream.
     *
     * @throws IllegalStateException while no connection to the gateway is up
     */
    public MuxStream dial(String tunnel, String source) {
        MuxSession session = primary.dialable;
        if (session == null || session.isClosed()) {
            throw new IllegalStateException("not connected to the gateway at " + settings.server() + " right now");
        }
        return session.openStream(tunnel, source, null);
    }

    private void finish(AgentExit result) {
        stopping = true;
        if (second != null) {
            second.stop();
        }
        exit.tryComplete(result);
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

    /** One of the agent's connections over time: its back-off, its live session, its reconnects. */
    private final class Link {
        private final String label;
        private final Backoff backoff;
        private volatile MuxSession current;
        private volatile Connection connection;
        private volatile MuxSession dialable;
        private volatile long retryTimer = -1;
        /** The gateway instance of the welcomed session, or null while there is none. */
        private volatile String instance;
        private volatile boolean started;
        private volatile boolean stopped;
        /** Second link: waiting long after landing on the first's instance again and again. */
        private volatile boolean parked;
        /** Second link: landings on the first's instance in a row. */
        private int sameInstance;
        private boolean aloneReported;

        Link(String label, Backoff backoff) {
            this.label = label;
            this.backoff = backoff;
        }

        boolean isSecond() {
            return this == second;
        }

        String instanceOrEmpty() {
            String now = instance;
            return now == null ? "" : now;
        }

        void stop() {
            stopped = true;
            if (retryTimer >= 0) {
                vertx.cancelTimer(retryTimer);
            }
            MuxSession session = current;
            if (session != null && !session.isClosed()) {
                session.send(new GoAway(CloseCode.NORMAL.code(), "agent stopped"));
                session.close(CloseCode.NORMAL, "agent stopped");
            }
        }

        /** What this link asks for: everything for the first, the HTTP tunnels for the second. */
        List<TunnelSpec> asks() {
            List<TunnelSpec> all = requests;
            return isSecond() ? all.stream().filter(spec -> spec.kind() == TunnelKind.HTTP && !spec.privateTunnel()).toList() : all;
        }

        void connect() {
            started = true;
            if (stopping || stopped) {
                return;
            }
            WebSocketConnectOptions options = new WebSocketConnectOptions()
                    .setAbsoluteURI(settings.endpoint().toString())
                    .addHeader(AGENT_HEADER, settings.agentId())
                    .addHeader(HttpHeaders.USER_AGENT.toString(), "porthole-agent/" + version)
                    .setConnectTimeout(15_000);
            String header = authorization;
            if (header != null) {
                options.addHeader(HttpHeaders.AUTHORIZATION.toString(), header);
            }
            if (settings.clientId() != null) {
                options.addHeader(CLIENT_HEADER, settings.clientId());
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
            if (stopping || stopped) {
                socket.close();
                return;
            }
            Context context = Vertx.currentContext() != null ? Vertx.currentContext() : vertx.getOrCreateContext();
            WebSocketTransport transport = new WebSocketTransport(socket);
            MuxSession session = new MuxSession(context, transport, muxSettings, MuxSession.Role.AGENT);
            Connection connection = new Connection(this, session, transport);
            session.listener(connection);
            WebSocketTransport.bind(socket, session);
            current = session;
            this.connection = connection;
            List<TunnelSpec> asked = asks();
            Set<String> capabilities = new HashSet<>(Set.of(Capabilities.HTTP, Capabilities.TCP, Capabilities.PRIVATE, Capabilities.UNMASKED));
            if (settings.ha()) {
                capabilities.add(Capabilities.HA);
            }
            session.send(new Hello(ProtocolVersion.MIN, ProtocolVersion.MAX, version, settings.agentId(), capabilities,
                    muxSettings.initialWindow(), muxSettings.maxFrameSize(), asked.stream().map(TunnelSpec::request).toList()));
            connection.asked = asked;
            connection.welcomeTimer = vertx.setTimer(WELCOME_TIMEOUT.toMillis(), id -> {
                if (!connection.welcomed) {
                    session.close(CloseCode.PROTOCOL_ERROR, "no WELCOME within " + WELCOME_TIMEOUT.toSeconds() + " s");
                }
            });
        }

        private void connectFailed(Throwable cause) {
            if (cause instanceof UpgradeRejectedException rejected) {
                String body = rejected.getBody() == null ? "" : rejected.getBody().toString().trim();
                int status = rejected.getStatus();
                String reason = body.isEmpty() ? "the gateway refused the connection (HTTP " + status + ")" : body;
                if (status == 503 && rejected.getHeaders() != null && "draining".equals(rejected.getHeaders().get(ERROR_HEADER))) {
                    // The gateway is stopping: the next attempt, through the load balancer, reaches another one; no long back-off.
                    retry(reason, null, DRAINING_RETRY_CAP);
                    return;
                }
                switch (status) {
                    case 401, 403 -> {
                        end(new AgentExit(AgentExit.AUTH_FAILED, reason));
                        return;
                    }
                    case 404, 426 -> {
                        end(new AgentExit(AgentExit.CONFIG_ERROR, "no Porthole agent endpoint at " + settings.endpoint() + " (HTTP " + status
                                + "); check --server"));
                        return;
                    }
                    default -> {
                        String retryAfter = rejected.getHeaders() == null ? null : rejected.getHeaders().get(HttpHeaders.RETRY_AFTER);
                        retry(reason, retryAfter == null ? null : Duration.ofSeconds(parseSeconds(retryAfter)), null);
                        return;
                    }
                }
            }
            retry("cannot reach the gateway at " + settings.server() + ": " + describe(cause), null, null);
        }

        /** The first link ends the agent; the second only stops itself (the first meets the same refusal and says so). */
        private void end(AgentExit result) {
            if (isSecond()) {
                stopped = true;
                LOG.infof("HA: the second connection stops: %s", result.message());
                return;
            }
            finish(result);
        }

        /** Schedules the next attempt after the back-off's delay, raised to {@code atLeast} and capped at {@code atMost} (each optional). */
        void retry(String reason, Duration atLeast, Duration atMost) {
            if (stopping || stopped) {
                return;
            }
            if (!isSecond() && settings.maxAttempts() > 0 && backoff.attempts() >= settings.maxAttempts()) {
                finish(new AgentExit(AgentExit.UNREACHABLE, reason + " (gave up after " + settings.maxAttempts() + " attempts)"));
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
            retryTimer = vertx.setTimer(PARKED_RETRY.toMillis(), id -> {
                retryTimer = -1;
                unpark(SAME_INSTANCE_LIMIT - 1);
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
            if (second == null) {
                return;
            }
            if (!welcome.capabilities().contains(Capabilities.HA) || welcome.gatewayId().isEmpty()) {
                if (!second.aloneReported) {
                    second.aloneReported = true;
                    LOG.infof("HA: the gateway at %s does not support HA connections (an older release); running with one connection",
                            settings.server());
                }
                return;
            }
            if (second.asks().isEmpty()) {
                if (!second.aloneReported) {
                    second.aloneReported = true;
                    LOG.info("HA: no HTTP tunnel to hold twice (TCP and private tunnels are served by one connection); running with one connection");
                }
                return;
            }
            Connection other = second.connection;
            if (welcome.gatewayId().equals(second.instance) && other != null) {
                // The first connection came back on the second's instance: the second moves elsewhere.
                LOG.infof("HA: both connections are on gateway instance %s; the second reconnects to reach another", welcome.gatewayId());
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
    }

    /** One connection to the gateway, from HELLO to close. */
    private final class Connection implements MuxListener {
        private final Link link;
        private final MuxSession session;
        private final WebSocketTransport transport;
        private List<TunnelSpec> asked = List.of();
        /** What this connection serves: the tunnels its WELCOME granted, by name. */
        private final Map<String, TunnelSpec> served = new ConcurrentHashMap<>();
        /** OPENs that came before WELCOME (a TCP port is bound during the claim); served once WELCOME says what we hold. */
        private final List<Runnable> beforeWelcome = new ArrayList<>();
        private volatile boolean welcomed;
        private long welcomeTimer = -1;
        private String refusal;
        /** The gateway sent GOAWAY and a new connection is on its way; this one only finishes its open streams. */
        private volatile boolean goneAway;
        /** The agent closed it itself (an HA connection on the other's instance) and has scheduled the next attempt. */
        private volatile boolean discarded;

        Connection(Link link, MuxSession session, WebSocketTransport transport) {
            this.link = link;
            this.session = session;
            this.transport = transport;
        }

        @Override
        public void onMessage(ConnectionMessage message) {
            switch (message) {
                case Welcome welcome -> onWelcome(welcome);
                case Config config -> session.startHeartbeat(vertx, config.heartbeatInterval(), config.heartbeatTimeout());
                case Notice notice -> listener.notice(notice);
                case GoAway goAway -> onGoAway(goAway);
                case Hello hello -> session.close(CloseCode.PROTOCOL_ERROR, "HELLO is sent by agents, not gateways");
                case Ping ping -> {
                }
                case Pong pong -> {
                }
            }
        }

        /**
         * The gateway is draining: connect again now (through the load balancer, to another
         * gateway) while this connection serves the streams it has until the gateway closes it.
         */
        private void onGoAway(GoAway goAway) {
            if (goneAway || stopping) {
                return;
            }
            goneAway = true;
            detach();
            link.schedule("the gateway is draining (" + goAway.reason() + "); reconnecting", GOING_AWAY_DELAY);
        }

        private void detach() {
            if (link.current == session) {
                link.current = null;
                link.connection = null;
                link.instance = null;
            }
            if (link.dialable == session) {
                link.dialable = null;
            }
        }

        private void onWelcome(Welcome welcome) {
            if (welcomed) {
                session.close(CloseCode.PROTOCOL_ERROR, "second WELCOME");
                return;
            }
            welcomed = true;
            vertx.cancelTimer(welcomeTimer);
            if (welcome.capabilities().contains(WebSocketTransport.UNMASKED_CAPABILITY)) {
                transport.stopMasking();
            }
            try {
                session.peerLimits(welcome.initialWindow(), welcome.maxFrameSize());
            } catch (ProtocolException e) {
                session.close(CloseCode.PROTOCOL_ERROR, e.getMessage());
                return;
            }
            List<TunnelResult> results = welcome.tunnels();
            if (results.size() != asked.size()) {
                session.close(CloseCode.PROTOCOL_ERROR, "WELCOME answers " + results.size() + " tunnels, " + asked.size() + " were asked for");
                return;
            }
            if (link.isSecond() && onSecondWelcome(welcome)) {
                return;
            }
            List<TunnelSpec> next = new ArrayList<>(asked);
            for (int i = 0; i < results.size(); i++) {
                TunnelResult result = results.get(i);
                if (result.granted()) {
                    TunnelSpec spec = asked.get(i).granted(result.name(), result.port());
                    next.set(i, spec);
                    served.put(result.name(), spec);
                } else if (refusal == null) {
                    refusal = result.message();
                }
            }
            if (link.current == session) {
                link.instance = welcome.gatewayId();
            }
            if (!link.isSecond()) {
                requests = next;
                boolean first = !everConnected;
                if (!served.isEmpty() || asked.isEmpty()) {
                    everConnected = true;
                    link.backoff.connected();
                    link.dialable = session;
                }
                listener.connected(results, first);
                link.firstWelcomed(welcome);
            } else {
                link.backoff.connected();
                LOG.infof("HA: second connection on gateway instance %s (the first is on %s), serving %s", welcome.gatewayId(),
                        primary.instanceOrEmpty(), served.keySet());
            }
            List<Runnable> early = List.copyOf(beforeWelcome);
            beforeWelcome.clear();
            early.forEach(Runnable::run);
        }

        /**
         * Gives this connection up without cutting its open streams: GOAWAY tells the gateway to give
         * its names up now (visitors go to the other connection) and to close it once its streams are
         * done. The link's next attempt is the caller's.
         */
        void leave(String reason) {
            discarded = true;
            detach();
            session.send(new GoAway(CloseCode.NORMAL.code(), reason));
            // A gateway that does not close it (one that cannot drain) is not waited for long.
            vertx.setTimer(LEAVE_TIMEOUT.toMillis(), id -> session.close(CloseCode.NORMAL, reason));
        }

        /** True when this second connection landed on the first's instance and was given up to try again. */
        private boolean onSecondWelcome(Welcome welcome) {
            String firstInstance = primary.instance;
            if (firstInstance == null || !firstInstance.equals(welcome.gatewayId())) {
                link.sameInstance = 0;
                link.aloneReported = false;
                return false;
            }
            leave("same gateway instance as the agent's other HA connection");
            link.sameInstance++;
            if (link.sameInstance >= SAME_INSTANCE_LIMIT) {
                if (!link.aloneReported) {
                    link.aloneReported = true;
                    LOG.infof("HA: only one gateway instance (%s) is reachable at %s after %d tries; running with one connection, trying "
                            + "again when the first reconnects or every %d minutes", firstInstance, settings.server(), link.sameInstance,
                            PARKED_RETRY.toMinutes());
                }
                link.park();
            } else {
                link.retry("landed on gateway instance " + firstInstance + ", like the first connection", null, null);
            }
            return true;
        }

        @Override
        public void onOpen(MuxStream stream, Open open) {
            if (!welcomed) {
                if (beforeWelcome.size() >= muxSettings.maxStreams()) {
                    stream.reset(ResetCode.LIMIT_REACHED, "too many streams before WELCOME");
                } else {
                    beforeWelcome.add(() -> onOpen(stream, open));
                }
                return;
            }
            TunnelSpec spec = served.get(open.tunnel());
            if (spec == null) {
                stream.reset(ResetCode.NO_SUCH_TUNNEL, "this agent serves no tunnel '" + open.tunnel() + "'");
                return;
            }
            acceptor.accept(stream, open, spec);
        }

        @Override
        public void onClosed(int code, String reason) {
            vertx.cancelTimer(welcomeTimer);
            detach();
            if (stopping || goneAway || discarded || link.stopped) {
                // After GOAWAY, or a discarded HA connection, the reconnect is already under way.
                return;
            }
            CloseCode known = CloseCode.fromCode(code);
            if (known == null || known.reconnect()) {
                if (link.isSecond()) {
                    LOG.infof("HA: second connection lost (%s); reconnecting", reason);
                }
                if (known == CloseCode.GOING_AWAY) {
                    link.schedule("the gateway is restarting or draining: " + reason, GOING_AWAY_DELAY);
                } else {
                    link.retry("connection lost: " + reason, null, null);
                }
                return;
            }
            if (link.isSecond()) {
                link.end(new AgentExit(AgentExit.SESSION_ENDED, reason));
                return;
            }
            switch (known) {
                case NORMAL -> finish(new AgentExit(AgentExit.SESSION_ENDED, "the gateway closed the tunnel: " + reason));
                case NO_TUNNELS -> finish(new AgentExit(AgentExit.TUNNEL_REFUSED, refusal != null ? refusal : reason));
                case CREDENTIALS_REVOKED -> finish(new AgentExit(AgentExit.AUTH_FAILED, reason));
                case UNSUPPORTED_VERSION -> finish(new AgentExit(AgentExit.INCOMPATIBLE, reason));
                default -> finish(new AgentExit(AgentExit.SESSION_ENDED, reason));
            }
        }
    }
}
