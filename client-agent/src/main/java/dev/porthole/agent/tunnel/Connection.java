package dev.porthole.agent.tunnel;

import dev.porthole.protocol.CloseCode;
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
import dev.porthole.protocol.mux.Periodic;
import dev.porthole.protocol.mux.WebSocketTransport;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/** One connection of a {@link Link} to the gateway, from HELLO to close. */
final class Connection implements MuxListener {

    // Plain JBoss Logging rather than Quarkus's static Log (the dial API uses the agent outside Quarkus), in
    // TunnelClient's category.
    private static final Logger LOG = Logger.getLogger(TunnelClient.class);
    private static final Duration GOING_AWAY_DELAY = Duration.ofMillis(200);
    /** How long a connection the agent gave up may finish its streams. */
    private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(60);

    private final TunnelClient client;
    private final Vertx vertx;
    private final AgentSettings settings;
    private final TunnelListener listener;
    private final StreamAcceptor acceptor;
    private final MuxSettings muxSettings;
    private final Link link;
    private final MuxSession session;
    private final WebSocketTransport transport;
    List<TunnelSpec> asked = List.of();
    /** What this connection serves: the tunnels its WELCOME granted, by name. */
    private final Map<String, TunnelSpec> served = new ConcurrentHashMap<>();
    /** OPENs that came before WELCOME (a TCP port is bound during the claim); served once WELCOME says what we hold. */
    private final List<Runnable> beforeWelcome = new ArrayList<>();

    volatile boolean welcomed;
    long welcomeTimer = -1;
    private String refusal;
    /** The gateway sent GOAWAY and a new connection is on its way; this one only finishes its open streams. */
    private volatile boolean goneAway;
    /** The agent closed it itself (an HA connection on the other's instance) and has scheduled the next attempt. */
    private volatile boolean discarded;

    Connection(TunnelClient client, Link link, MuxSession session, WebSocketTransport transport) {
        this.client = client;
        this.vertx = client.vertx();
        this.settings = client.settings();
        this.listener = client.listener();
        this.acceptor = client.acceptor();
        this.muxSettings = client.muxSettings();
        this.link = link;
        this.session = session;
        this.transport = transport;
    }

    @Override
    public void onMessage(ConnectionMessage message) {
        switch (message) {
            case Welcome welcome -> onWelcome(welcome);
            case Config config -> {
                session.startHeartbeat(Periodic.timersOf(vertx), config.heartbeatInterval(), config.heartbeatTimeout());
                // The status screen shows the latency from the start, not after the first interval.
                session.pingNow();
            }
            case Notice notice -> listener.notice(notice);
            case GoAway goAway -> onGoAway(goAway);
            case Hello hello -> session.close(CloseCode.PROTOCOL_ERROR, "HELLO is sent by agents, not gateways");
            case Ping ping -> {}
            case Pong pong -> {}
        }
    }

    /**
     * The gateway is draining: connect again now (through the load balancer, to another
     * gateway) while this connection serves the streams it has until the gateway closes it.
     */
    private void onGoAway(GoAway goAway) {
        if (goneAway || client.stopping()) {
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
        session.agreedCapabilities(welcome.capabilities());
        try {
            session.peerLimits(welcome.initialWindow(), welcome.maxFrameSize());
        } catch (ProtocolException e) {
            session.close(CloseCode.PROTOCOL_ERROR, e.getMessage());
            return;
        }
        List<TunnelResult> results = welcome.tunnels();
        if (results.size() != asked.size()) {
            session.close(
                    CloseCode.PROTOCOL_ERROR,
                    "WELCOME answers " + results.size() + " tunnels, " + asked.size() + " were asked for");
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
        if (!link.isExtra()) {
            client.welcomedWith(welcome.version());
            client.requests(next);
            boolean first = !client.everConnected();
            if (TunnelListener.online(results)) {
                client.connected();
                link.backoff.connected();
                link.dialable = session;
            }
            listener.connected(results, first);
            link.firstWelcomed(welcome);
            client.startLanes(welcome);
        } else {
            link.backoff.connected();
            if (link.isSecond()) {
                LOG.infof(
                        "HA: second connection on gateway instance %s (the first is on %s), serving %s",
                        welcome.gatewayId(), client.primary().instanceOrEmpty(), served.keySet());
            } else {
                LOG.debugf(
                        "%s on gateway instance %s, serving %s",
                        link.describeExtra(), welcome.gatewayId(), served.keySet());
            }
        }
        DatagramAcceptor datagrams = acceptor.datagrams();
        if (datagrams != null && welcome.capabilities().contains(Capabilities.UDP)) {
            session.datagrams().receiveWith(datagram -> {
                if ((datagram.flowId() & 1) != 0) {
                    datagrams.dialed(datagram);
                    return;
                }
                TunnelSpec spec = served.get(datagram.tunnel());
                if (spec != null && spec.kind() == TunnelKind.UDP) {
                    datagrams.accept(datagram, spec, session.datagrams());
                }
            });
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
        String firstInstance = client.primary().instance;
        if (firstInstance == null || !firstInstance.equals(welcome.gatewayId())) {
            link.sameInstance = 0;
            link.aloneReported = false;
            return false;
        }
        leave("same gateway instance as the agent's other HA connection");
        link.sameInstance++;
        if (link.sameInstance >= TunnelClient.SAME_INSTANCE_LIMIT) {
            if (!link.aloneReported) {
                link.aloneReported = true;
                LOG.infof(
                        "HA: only one gateway instance (%s) is reachable at %s after %d tries; running with one connection, trying "
                                + "again when the first reconnects or every %d minutes",
                        firstInstance, settings.server(), link.sameInstance, TunnelClient.PARKED_RETRY.toMinutes());
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
        DatagramAcceptor datagrams = acceptor.datagrams();
        if (datagrams != null) {
            datagrams.closed(session.datagrams());
        }
        detach();
        if (client.stopping() || goneAway || discarded || link.stopped) {
            // After GOAWAY, or a discarded HA connection, the reconnect is already under way.
            return;
        }
        CloseCode known = CloseCode.fromCode(code);
        if (known == null || known.reconnect()) {
            if (link.isExtra()) {
                LOG.infof("%s lost (%s); reconnecting", link.describeExtra(), reason);
            }
            if (known == CloseCode.GOING_AWAY) {
                link.schedule("the gateway is restarting or draining: " + reason, GOING_AWAY_DELAY);
            } else if (known == CloseCode.TRY_AGAIN_LATER) {
                // Not a lost connection: the gateway refused a tunnel for now only, and served none (it holds back
                // any it could grant next to it), so the next attempt asks for all of them again.
                link.retry("the gateway asks to try again later: " + reason, null, null);
            } else {
                link.retry("connection lost: " + reason, null, null);
            }
            return;
        }
        if (link.isExtra()) {
            link.end(new AgentExit(AgentExit.SESSION_ENDED, reason));
            return;
        }
        switch (known) {
            case NORMAL ->
                client.finish(new AgentExit(AgentExit.SESSION_ENDED, "the gateway closed the tunnel: " + reason));
            case NO_TUNNELS ->
                client.finish(new AgentExit(AgentExit.TUNNEL_REFUSED, refusal != null ? refusal : reason));
            case CREDENTIALS_REVOKED -> client.finish(new AgentExit(AgentExit.AUTH_FAILED, reason));
            case UNSUPPORTED_VERSION -> client.finish(new AgentExit(AgentExit.INCOMPATIBLE, reason));
            default -> client.finish(new AgentExit(AgentExit.SESSION_ENDED, reason));
        }
    }
}
