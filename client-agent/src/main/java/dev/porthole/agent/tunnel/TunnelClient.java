package dev.porthole.agent.tunnel;

import dev.porthole.protocol.message.Capabilities;
import dev.porthole.protocol.message.UdpDial;
import dev.porthole.protocol.message.Welcome;
import dev.porthole.protocol.mux.MuxSession;
import dev.porthole.protocol.mux.MuxSettings;
import dev.porthole.protocol.mux.MuxStream;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.IntStream;
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
 *
 * <p>With {@link AgentSettings#connections()} above 1 it keeps a pool instead: the first connection and
 * more, lanes 1 onwards, to the same gateway instance, each on an event loop of its own, and the gateway
 * takes them in turn for the HTTP tunnels' requests (capability {@code pool}). The lanes start when the
 * first is welcomed by a gateway that lists {@code pool} (its first WELCOME, or a later one after the
 * gateway was upgraded), ask for its HTTP tunnels by their granted names, and reconnect on their own.
 */
public final class TunnelClient {

    // Plain JBoss Logging rather than Quarkus's static Log: the dial API uses the agent outside Quarkus.
    private static final Logger LOG = Logger.getLogger(TunnelClient.class);

    /** Headers of the handshake; see the gateway's AgentEndpoint. */
    public static final String AGENT_HEADER = "X-Porthole-Agent";

    public static final String CLIENT_HEADER = "X-Porthole-Client";

    /** Which lane of the agent's pool a connection is; the first's, lane 0, goes without it. */
    public static final String LANE_HEADER = "X-Porthole-Lane";

    /** Landings of the second HA connection on the first's instance in a row after which the agent says only one instance is reachable. */
    static final int SAME_INSTANCE_LIMIT = 4;
    /** How long the second HA connection waits after that, unless the first reconnects. */
    static final Duration PARKED_RETRY = Duration.ofMinutes(10);

    private final Vertx vertx;
    private final AgentSettings settings;
    private final StreamAcceptor acceptor;
    private final TunnelListener listener;
    private final String version;
    private final MuxSettings muxSettings = MuxSettings.DEFAULTS;
    private final Promise<AgentExit> exit = Promise.promise();
    /** The first connection: every tunnel, and what the listener hears about. */
    private final Link primary;
    /** The second HA connection (HTTP tunnels only), or null without {@code --ha}. */
    private final Link second;
    /** The pool's lanes after the first (HTTP tunnels only), lane 1 onwards; empty without {@code --connections}. */
    private final List<Link> lanes;

    private volatile List<TunnelSpec> requests;
    /** The Authorization header of the next handshake; replaced by {@link #renewAuthorization}. */
    private volatile String authorization;

    private volatile boolean stopping;
    /** Whether the agent said why it runs its pool's first connection alone. */
    private volatile boolean lanesReported;

    private volatile boolean everConnected;
    /** The protocol version of the last WELCOME on the first link; 0 before any. */
    private volatile int protocolVersion;

    public TunnelClient(
            Vertx vertx,
            AgentSettings settings,
            StreamAcceptor acceptor,
            TunnelListener listener,
            Backoff backoff,
            String version) {
        this.vertx = vertx;
        this.settings = settings;
        this.acceptor = acceptor;
        this.listener = listener;
        this.version = version;
        this.requests = settings.tunnels();
        this.authorization = settings.authorization();
        WebSocketClientOptions options = new WebSocketClientOptions()
                .setMaxFrameSize(muxSettings.maxFrameSize())
                .setMaxMessageSize(muxSettings.maxFrameSize())
                .setTryUsePerMessageCompression(false)
                .setTryUsePerFrameCompression(false)
                .setConnectTimeout(10_000)
                .setTcpNoDelay(true);
        settings.trust().applyTo(options);
        WebSocketClient webSockets = vertx.createWebSocketClient(options);
        this.primary = new Link(this, "first", 0, backoff, webSockets);
        this.second = settings.ha() ? new Link(this, "second", 0, backoff.another(), webSockets) : null;
        this.lanes = IntStream.range(1, settings.connections())
                .mapToObj(lane -> new Link(this, "lane " + lane, lane, backoff.another(), webSockets))
                .toList();
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

    /**
     * Stops: tells the gateway, closes the connections, completes {@link #start()}'s future with a
     * normal exit. The returned future completes once the connections' sockets are closed (the
     * gateway closes them after reading GOAWAY and the close frame); close Vert.x only then.
     */
    public Future<Void> stop() {
        stopping = true;
        Future<Void> first = primary.stop();
        Future<Void> other = second != null ? second.stop() : Future.succeededFuture();
        List<Future<Void>> stopped = new ArrayList<>(List.of(first, other));
        lanes.forEach(lane -> stopped.add(lane.stop()));
        exit.tryComplete(AgentExit.normal());
        return Future.join(stopped).mapEmpty();
    }

    /**
     * The gateway instances the connections are on now (the first's, then the second's or the lanes'), for
     * tests and logs; empty entries while down.
     */
    public List<String> instances() {
        List<String> instances = new ArrayList<>();
        instances.add(primary.instanceOrEmpty());
        if (second != null) {
            instances.add(second.instanceOrEmpty());
        }
        lanes.forEach(lane -> instances.add(lane.instanceOrEmpty()));
        return instances;
    }

    /** The last heartbeat round trip of the first connection; empty while it is down or before its first PONG. */
    public java.util.Optional<Duration> roundTrip() {
        MuxSession session = primary.current;
        if (session == null || session.isClosed()) {
            return java.util.Optional.empty();
        }
        Duration rtt = session.roundTrip();
        return rtt.isNegative() ? java.util.Optional.empty() : java.util.Optional.of(rtt);
    }

    /** The protocol version the gateway chose in its last WELCOME (the highest both speak); empty before the first. */
    public OptionalInt protocolVersion() {
        int version = protocolVersion;
        return version == 0 ? OptionalInt.empty() : OptionalInt.of(version);
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

    /**
     * Opens a dial of the private UDP tunnel {@code tunnel} ({@code porthole connect --udp}): while its
     * stream is open, DATAGRAM frames with odd flow ids on the stream's connection reach the tunnel.
     *
     * @throws IllegalStateException while no connection to the gateway is up
     */
    public MuxStream dialDatagrams(String tunnel, String source) {
        MuxSession session = primary.dialable;
        if (session == null || session.isClosed()) {
            throw new IllegalStateException("not connected to the gateway at " + settings.server() + " right now");
        }
        return session.openStream(tunnel, source, UdpDial.request(tunnel));
    }

    // ---- for the links and their connections ----

    /** Ends the agent: stops the second link and completes {@link #start()}'s future with {@code result}. */
    void finish(AgentExit result) {
        stopping = true;
        if (second != null) {
            second.stop();
        }
        lanes.forEach(Link::stop);
        exit.tryComplete(result);
    }

    Vertx vertx() {
        return vertx;
    }

    AgentSettings settings() {
        return settings;
    }

    StreamAcceptor acceptor() {
        return acceptor;
    }

    TunnelListener listener() {
        return listener;
    }

    String version() {
        return version;
    }

    MuxSettings muxSettings() {
        return muxSettings;
    }

    Link primary() {
        return primary;
    }

    /** The second HA link, or null without {@code --ha}. */
    Link second() {
        return second;
    }

    /** The pool's lanes after the first; empty without {@code --connections}. */
    List<Link> lanes() {
        return lanes;
    }

    /**
     * The first link is welcomed: the pool's other lanes start if the gateway spreads requests over lanes and
     * there is an HTTP tunnel to share. Each reconnects on its own after that. A gateway without {@code pool}
     * (an older release) is said once; lanes start when the first reconnects to one that has it (the gateway
     * upgraded under the agent).
     */
    void startLanes(Welcome welcome) {
        if (lanes.isEmpty() || lanes.getFirst().started) {
            return;
        }
        if (!welcome.capabilities().contains(Capabilities.POOL)) {
            if (!lanesReported) {
                lanesReported = true;
                LOG.infof(
                        "the gateway at %s does not take turns over several connections (an older release); running"
                                + " with one until it does",
                        settings.server());
            }
            return;
        }
        if (lanes.getFirst().asks().isEmpty()) {
            if (!lanesReported) {
                lanesReported = true;
                LOG.info("no HTTP tunnel to share over several connections (TCP and private tunnels use the first);"
                        + " running with one");
            }
            return;
        }
        if (lanesReported) {
            LOG.infof(
                    "opening %d more connections to the gateway at %s, to take turns with the HTTP tunnels' requests",
                    lanes.size(), settings.server());
        }
        lanes.forEach(Link::connect);
    }

    /** What the next handshake asks for: after a WELCOME, the names and ports it granted. */
    List<TunnelSpec> requests() {
        return requests;
    }

    void requests(List<TunnelSpec> granted) {
        requests = granted;
    }

    String authorization() {
        return authorization;
    }

    boolean stopping() {
        return stopping;
    }

    /** Whether the first link was ever welcomed with a tunnel. */
    boolean everConnected() {
        return everConnected;
    }

    void connected() {
        everConnected = true;
    }

    void welcomedWith(int version) {
        protocolVersion = version;
    }
}
