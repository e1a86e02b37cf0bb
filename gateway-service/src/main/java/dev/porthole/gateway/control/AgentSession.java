package dev.porthole.gateway.control;

import dev.porthole.gateway.limits.SessionLimits;
import dev.porthole.gateway.limits.TunnelLimits;
import dev.porthole.gateway.logging.LogBudget;
import dev.porthole.gateway.logging.SourceLogBudgets;
import dev.porthole.gateway.policy.EdgePolicy;
import dev.porthole.gateway.registry.PoolLane;
import dev.porthole.gateway.registry.Route;
import dev.porthole.gateway.registry.TunnelKey;
import dev.porthole.gateway.registry.TunnelOwner;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.PeerText;
import dev.porthole.protocol.auth.AuthMethod;
import dev.porthole.protocol.auth.Principal;
import dev.porthole.protocol.message.Config;
import dev.porthole.protocol.message.ConnectionMessage;
import dev.porthole.protocol.message.GoAway;
import dev.porthole.protocol.message.Hello;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.message.Notice;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.Ping;
import dev.porthole.protocol.message.Pong;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.Welcome;
import dev.porthole.protocol.mux.Datagrams;
import dev.porthole.protocol.mux.MuxListener;
import dev.porthole.protocol.mux.MuxSession;
import dev.porthole.protocol.mux.MuxStream;
import io.netty.channel.EventLoop;
import io.quarkus.logging.Log;
import io.vertx.core.impl.ContextInternal;
import java.time.Duration;
import java.util.List;

/**
 * One agent's connection to this gateway: the dispatch of its messages, and the clean-up when it
 * ends. The HELLO/WELCOME handshake, and how far the session has come, is
 * {@link SessionHandshake}'s, claiming the tunnels HELLO asks for {@link TunnelClaims}', holding
 * them while the session lives {@link TunnelLeases}', keeping them and the session record fresh
 * {@link SessionUpkeep}', and what it reports about itself (record, events, log lines)
 * {@link SessionReports}'. Everything runs on the connection's Vert.x context.
 */
public final class AgentSession implements MuxListener, TunnelOwner {

    /** How long an agent's going-away connection may finish its streams. */
    private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(30);

    private final SessionServices services;
    private final MuxSession mux;
    /** The event loop the connection runs on. */
    private final EventLoop eventLoop;
    /** What auth-service answered at the handshake, replaced when the client's grants change ({@link #regrant}). */
    private volatile Principal principal;

    private final String sessionId;
    private final String agentId;
    /** The lane its upgrade named ({@code X-Porthole-Lane}, 0 without one); counts once HELLO asks for {@code pool}. */
    private final int lane;
    /** Set by a HELLO with {@code ha} and {@code pool}, before the tunnels are bound. */
    private volatile PoolLane poolLane;

    private final SessionReports reports;
    /** The tunnels this session holds. */
    private final TunnelLeases leases;

    private final SessionTimers timers;
    /** Open streams, to end those a grant taken away no longer allows. */
    private final SessionStreams streams = new SessionStreams();

    private final GrantChanges grantChanges;
    private final SessionHandshake handshake;

    private final SessionLimits limits;
    private final SessionPolicies policies = new SessionPolicies();
    /** Log lines an agent's refused dials and its NOTICEs may cause, so that a flood of them does not flood the log. */
    private final LogBudget dialLog;

    private final LogBudget noticeLog;

    /**
     * @param remoteAddress the agent's address and port, as events and the session record show it
     * @param sourceHost the address its lines are counted against (IPv6: its /64; see {@link SourceLogBudgets})
     */
    AgentSession(
            SessionServices services,
            MuxSession mux,
            Principal principal,
            String sessionId,
            String agentId,
            int lane,
            String remoteAddress,
            String sourceHost) {
        this.services = services;
        this.mux = mux;
        this.eventLoop = ((ContextInternal) mux.context()).nettyEventLoop();
        this.principal = principal;
        this.sessionId = sessionId;
        this.agentId = agentId;
        this.lane = lane;
        this.leases = new TunnelLeases(
                services,
                this,
                mux,
                switch (principal.method()) {
                    case JWT -> Route.ownedByClient(services.instance().id(), sessionId, principal.clientId(), agentId);
                    // The agent id is the agent's word and shown in events: a public session's names are its own alone.
                    case PUBLIC ->
                        Route.ownedBySessionAlone(services.instance().id(), sessionId, principal.clientId(), agentId);
                    default -> new Route(services.instance().id(), sessionId, principal.clientId(), agentId);
                });
        this.grantChanges =
                new GrantChanges(leases, streams, mux, services.claims().names(), sessionId);
        this.timers = new SessionTimers(mux);
        this.limits = services.limits().openSession(principal.clientId(), principal.grants());
        this.dialLog = services.logBudgets().of("refused dials", sourceHost);
        this.noticeLog = services.logBudgets().of("notices", sourceHost);
        // A client's comings and goings are always worth their lines; an anonymous agent's, a few a minute per address.
        boolean logsLifecycle = !principal.isPublic()
                || services.logBudgets().of("anonymous sessions", sourceHost).allow();
        this.reports = new SessionReports(services, mux, sessionId, agentId, remoteAddress, logsLifecycle);
        SessionUpkeep upkeep = new SessionUpkeep(services, this, agentId, timers, leases, reports, policies);
        HandshakeAnswers answers = new HandshakeAnswers(services, mux, sessionId, timers::every);
        this.handshake = new SessionHandshake(this, services, mux, leases, answers, upkeep, reports, policies);
    }

    /** Starts waiting for HELLO. */
    void start() {
        services.sessions().add(this);
        mux.onContext(() -> handshake.awaitHello(timers));
    }

    @Override
    public String sessionId() {
        return sessionId;
    }

    @Override
    public String clientId() {
        return principal.clientId();
    }

    public Principal principal() {
        return principal;
    }

    @Override
    public PoolLane poolLane() {
        return poolLane;
    }

    @Override
    public boolean onCallersEventLoop() {
        return eventLoop.inEventLoop();
    }

    /** HELLO asked for {@code ha} and {@code pool}: this session is its agent's lane {@link #lane}. */
    void joinPool() {
        poolLane = new PoolLane(agentId, lane);
    }

    @Override
    public MuxStream openStream(String tunnel, String source, HttpRequestHead request, boolean fin) {
        return streams.track(mux.openStream(tunnel, source, request, fin));
    }

    @Override
    public TunnelLimits limits(String tunnel) {
        return limits.tunnel(tunnel);
    }

    @Override
    public EdgePolicy policy(String tunnel) {
        return policies.of(tunnel);
    }

    /** Puts the policy of a tunnel this session was granted in force (before its route is bound). */
    void enforce(String tunnel, EdgePolicy policy) {
        policies.enforce(tunnel, policy);
    }

    /**
     * Asks the agent to open a new connection (through the load balancer) while this one finishes
     * its open streams. From now on a tunnel that the agent's new session takes over stays served
     * here too, until the session closes: a request another gateway forwarded here just before the
     * takeover, or one on a visitor connection still open to this gateway, is served rather than
     * refused, and the agent answers it on this connection.
     */
    public void goAway(String reason) {
        mux.onContext(leases::goneAway);
        mux.send(new GoAway(CloseCode.GOING_AWAY.code(), reason));
    }

    /**
     * Puts the client's grants as they are now in force on this live session: tunnels no longer
     * granted are given up (their open streams reset), open dials of private tunnels it may no longer
     * dial are reset, and the agent is told why in a NOTICE. A session left without any of the
     * tunnels it held closes with {@code NO_TUNNELS}.
     */
    public void regrant(Principal current) {
        mux.onContext(() -> {
            if (handshake.isClosed()) {
                return;
            }
            principal = current;
            if (handshake.isActive()) {
                takeUngranted();
            }
        });
    }

    /** On the session's context, while active. */
    void takeUngranted() {
        if (grantChanges.apply(principal)) {
            close(
                    CloseCode.NO_TUNNELS,
                    "client '" + clientId()
                            + "' may no longer hold any of this agent's tunnels; an administrator changed its grants");
        }
    }

    /** Ends the session; the agent sees the code and reason. */
    public void close(CloseCode code, String reason) {
        mux.close(code, reason);
    }

    // ---- MuxListener, on the session's context ----

    @Override
    public void onMessage(ConnectionMessage message) {
        switch (message) {
            case Hello hello -> handshake.onHello(hello);
            case GoAway goAway -> onAgentGoingAway(goAway);
            case Notice notice -> {
                if (noticeLog.allow()) {
                    Log.infof("agent %s (client %s) says: %s", sessionId, clientId(), PeerText.escape(notice.text()));
                }
            }
            case Welcome welcome -> protocolError("WELCOME is sent by gateways, not agents");
            case Config config -> protocolError("CONFIG is sent by gateways, not agents");
            case Ping ping -> throw new IllegalStateException("PING is answered by the multiplexer");
            case Pong pong -> throw new IllegalStateException("PONG is handled by the multiplexer");
        }
    }

    /**
     * The agent gives this connection up (it stops, or an HA connection landed on the instance of
     * its other one): its names are given up at once, so that visitors go to the agent's other
     * sessions, and the connection closes once the streams it carries are done.
     */
    private void onAgentGoingAway(GoAway goAway) {
        String reason = "agent is going away: " + goAway.reason();
        if (!handshake.isActive()) {
            close(CloseCode.NORMAL, reason);
            return;
        }
        leases.releaseAll(reason);
        timers.closeWhenIdle(CloseCode.NORMAL, reason, LEAVE_TIMEOUT);
    }

    @Override
    public void onOpen(MuxStream stream, Open open) {
        // Agents open streams only to dial private tunnels; access is checked here, on every stream.
        if (!handshake.isActive()) {
            stream.reset(ResetCode.FORBIDDEN, "dial after the handshake");
            return;
        }
        streams.track(stream);
        services.dialer().dial(principal, stream, open, dialLog);
    }

    @Override
    public void onStreamData(MuxStream stream, int received, int sent) {
        // Streams the gateway opened carry visitors (and dials, counted once on the publishing side).
        if (stream.openedLocally()) {
            services.metrics().bytes(stream.open().tunnel(), clientId(), sent, received);
        }
    }

    @Override
    public void onClosed(int code, String reason) {
        boolean wasActive = handshake.close();
        timers.cancelAll();
        limits.close();
        policies.closeAll();
        services.sessions().remove(this);
        services.publicPlaces().release(sessionId);
        boolean moved = leases.allMovedAway();
        if (principal.grants().maxSessions() > 0 && code != CloseCode.SESSION_REPLACED.code() && !moved) {
            // A replaced session's agent (or one whose tunnels all moved) already holds the place through its newer
            // session.
            services.quotas().releaseSession(clientId(), agentId);
        }
        if (wasActive) {
            reports.logDisconnect(clientId(), code, reason);
            leases.releaseAll("agent disconnected: " + reason);
            reports.disconnected(clientId(), code, reason);
        } else {
            reports.closedDuringHandshake(clientId(), code, reason);
        }
    }

    // ---- while active ----

    /**
     * Refreshes the tunnels' registry entries now rather than at the next refresh: a draining gateway
     * learns this way, within moments, which of them the agent's new session on another gateway took over.
     */
    public void checkTakeovers() {
        mux.onContext(() -> {
            if (handshake.isActive()) {
                leases.refreshTunnels();
            }
        });
    }

    /** Tunnels this session serves now; readable from any thread. */
    public int servingTunnels() {
        return leases.servingTunnels();
    }

    /** A newer session of the same agent claimed one of our names or ports (a reconnect); stop serving it. */
    void loseTunnel(TunnelKey key, String reason) {
        mux.onContext(() -> {
            if (handshake.isClosed() || !leases.lose(key, reason)) {
                return;
            }
            if (leases.isEmpty()) {
                timers.closeWhenIdle(
                        CloseCode.SESSION_REPLACED,
                        principal.method() == AuthMethod.JWT
                                ? "a newer session of client '" + clientId() + "' took over its tunnels"
                                : "a newer connection of this agent took over its tunnels",
                        services.config().shutdown().drainTimeout());
            }
        });
    }

    @Override
    public void onStreamsClosed() {
        timers.streamsClosed();
    }

    void protocolError(String reason) {
        Log.warnf("agent session %s broke the protocol: %s", sessionId, reason);
        close(CloseCode.PROTOCOL_ERROR, reason);
    }

    @Override
    public String toString() {
        return "session " + sessionId + " of client " + clientId();
    }

    @Override
    public Datagrams datagrams() {
        return mux.datagrams();
    }

    /** Streams open on this session now; readable from any thread, so possibly a moment old. */
    public int openStreams() {
        return mux.openStreams();
    }

    /** The tunnel names this session serves (read on its context). */
    List<String> tunnelNames() {
        return leases.held().stream().map(GrantedTunnel::name).toList();
    }
}
