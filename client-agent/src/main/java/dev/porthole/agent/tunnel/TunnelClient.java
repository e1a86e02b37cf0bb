package dev.porthole.agent.tunnel;

import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.ProtocolVersion;
import dev.porthole.protocol.frame.ProtocolException;
import dev.porthole.protocol.message.Config;
import dev.porthole.protocol.message.ConnectionMessage;
import dev.porthole.protocol.message.GoAway;
import dev.porthole.protocol.message.Hello;
import dev.porthole.protocol.message.Notice;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.Ping;
import dev.porthole.protocol.message.Pong;
import dev.porthole.protocol.message.ResetCode;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The agent's side of a tunnel: connects to the gateway, claims the tunnels, serves the streams
 * the gateway opens, and reconnects with back-off until it is stopped or refused for good. After
 * the first connection it asks for the names it was given, so a random URL survives reconnects.
 */
public final class TunnelClient {

    /** Headers of the handshake; see the gateway's AgentEndpoint. */
    public static final String AGENT_HEADER = "X-Porthole-Agent";
    public static final String CLIENT_HEADER = "X-Porthole-Client";

    // Plain JBoss Logging rather than Quarkus's static Log: the dial API uses this class outside Quarkus.
    private static final Logger LOG = Logger.getLogger(TunnelClient.class);
    private static final Duration WELCOME_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration GOING_AWAY_DELAY = Duration.ofMillis(200);
    /** The longest wait before connecting again after a draining gateway refused the handshake. */
    private static final Duration DRAINING_RETRY_CAP = Duration.ofMillis(500);
    /** Names the reason of a gateway's refusal ({@code draining} when it is stopping). */
    private static final String ERROR_HEADER = "X-Porthole-Error";

    private final Vertx vertx;
    private final AgentSettings settings;
    private final StreamAcceptor acceptor;
    private final TunnelListener listener;
    private final Backoff backoff;
    private final String version;
    private final WebSocketClient webSockets;
    private final MuxSettings muxSettings = MuxSettings.DEFAULTS;
    private final Promise<AgentExit> exit = Promise.promise();
    private final Map<String, TunnelSpec> served = new ConcurrentHashMap<>();
    private volatile List<TunnelSpec> requests;
    /** The Authorization header of the next handshake; replaced by {@link #renewAuthorization}. */
    private volatile String authorization;
    private volatile MuxSession current;
    private volatile MuxSession dialable;
    private volatile boolean stopping;
    private volatile boolean everConnected;
    private volatile long retryTimer = -1;

    public TunnelClient(Vertx vertx, AgentSettings settings, StreamAcceptor acceptor, TunnelListener listener, Backoff backoff, String version) {
        this.vertx = vertx;
        this.settings = settings;
        this.acceptor = acceptor;
        this.listener = listener;
        this.backoff = backoff;
        this.version = version;
        this.requests = settings.tunnels();
        this.authorization = settings.authorization();
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
        connect();
        return exit.future();
    }

    /**
     * Uses {@code header} as the Authorization of every later handshake. The live connection is
     * left alone: the gateway checks credentials at the handshake only, so its streams go on.
     */
    public void renewAuthorization(String header) {
        authorization = header;
    }

    /** Stops: tells the gateway, closes the connection, completes {@link #start()}'s future with a normal exit. */
    public void stop() {
        stopping = true;
        if (retryTimer >= 0) {
            vertx.cancelTimer(retryTimer);
        }
        MuxSession session = current;
        if (session != null && !session.isClosed()) {
            session.send(new GoAway(CloseCode.NORMAL.code(), "agent stopped"));
            session.close(CloseCode.NORMAL, "agent stopped");
        }
        exit.tryComplete(AgentExit.normal());
    }

    private void connect() {
        if (stopping) {
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
        if (stopping) {
            socket.close();
            return;
        }
        Context context = Vertx.currentContext() != null ? Vertx.currentContext() : vertx.getOrCreateContext();
        MuxSession session = new MuxSession(context, new WebSocketTransport(socket), muxSettings, MuxSession.Role.AGENT);
        Connection connection = new Connection(session);
        session.listener(connection);
        WebSocketTransport.bind(socket, session);
        current = session;
        List<TunnelSpec> asked = requests;
        session.send(new Hello(ProtocolVersion.MIN, ProtocolVersion.MAX, version, settings.agentId(), Set.of("http", "tcp", "private"),
                muxSettings.initialWindow(), muxSettings.maxFrameSize(), asked.stream().map(TunnelSpec::request).toList()));
        connection.asked = asked;
        connection.welcomeTimer = vertx.setTimer(WELCOME_TIMEOUT.toMillis(), id -> {
            if (!connection.welcomed) {
                session.close(CloseCode.PROTOCOL_ERROR, "no WELCOME within " + WELCOME_TIMEOUT.toSeconds() + " s");
            }
        });
    }

    /**
     * Opens a stream through the gateway to the private tunnel {@code tunnel} ({@code porthole
     * connect}); the gateway checks this agent's grants for every such stream.
     *
     * @throws IllegalStateException while no connection to the gateway is up
     */
    public MuxStream dial(String tunnel, String source) {
        MuxSession session = dialable;
        if (session == null || session.isClosed()) {
            throw new IllegalStateException("not connected to the gateway at " + settings.server() + " right now");
        }
        return session.openStream(tunnel, source, null);
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
                    finish(new AgentExit(AgentExit.AUTH_FAILED, reason));
                    return;
                }
                case 404, 426 -> {
                    finish(new AgentExit(AgentExit.CONFIG_ERROR, "no Porthole agent endpoint at " + settings.endpoint() + " (HTTP " + status
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

    /** Schedules the next attempt after the back-off's delay, raised to {@code atLeast} and capped at {@code atMost} (each optional). */
    private void retry(String reason, Duration atLeast, Duration atMost) {
        if (stopping) {
            return;
        }
        if (settings.maxAttempts() > 0 && backoff.attempts() >= settings.maxAttempts()) {
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

    private void schedule(String reason, Duration delay) {
        listener.retrying(reason, delay);
        retryTimer = vertx.setTimer(Math.max(1, delay.toMillis()), id -> {
            retryTimer = -1;
            connect();
        });
    }

    private void finish(AgentExit result) {
        stopping = true;
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

    /** One connection to the gateway, from HELLO to close. */
    private final class Connection implements MuxListener {
        private final MuxSession session;
        private List<TunnelSpec> asked = List.of();
        /** OPENs that came before WELCOME (a TCP port is bound during the claim); served once WELCOME says what we hold. */
        private final List<Runnable> beforeWelcome = new ArrayList<>();
        private volatile boolean welcomed;
        private long welcomeTimer = -1;
        private String refusal;
        /** The gateway sent GOAWAY and a new connection is on its way; this one only finishes its open streams. */
        private volatile boolean goneAway;

        Connection(MuxSession session) {
            this.session = session;
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
            if (current == session) {
                current = null;
            }
            if (dialable == session) {
                dialable = null;
            }
            schedule("the gateway is draining (" + goAway.reason() + "); reconnecting", GOING_AWAY_DELAY);
        }

        private void onWelcome(Welcome welcome) {
            if (welcomed) {
                session.close(CloseCode.PROTOCOL_ERROR, "second WELCOME");
                return;
            }
            welcomed = true;
            vertx.cancelTimer(welcomeTimer);
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
            List<TunnelSpec> next = new ArrayList<>(asked);
            served.clear();
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
            requests = next;
            boolean first = !everConnected;
            if (!served.isEmpty() || asked.isEmpty()) {
                everConnected = true;
                backoff.connected();
                dialable = session;
            }
            listener.connected(results, first);
            List<Runnable> early = List.copyOf(beforeWelcome);
            beforeWelcome.clear();
            early.forEach(Runnable::run);
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
            if (current == session) {
                current = null;
            }
            if (dialable == session) {
                dialable = null;
            }
            if (stopping || goneAway) {
                // After GOAWAY the reconnect is already under way.
                return;
            }
            CloseCode known = CloseCode.fromCode(code);
            if (known == null || known.reconnect()) {
                if (known == CloseCode.GOING_AWAY) {
                    schedule("the gateway is restarting or draining: " + reason, GOING_AWAY_DELAY);
                } else {
                    retry("connection lost: " + reason, null, null);
                }
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
