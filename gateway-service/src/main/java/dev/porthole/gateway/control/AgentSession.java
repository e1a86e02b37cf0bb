package dev.porthole.gateway.control;

import dev.porthole.gateway.limits.SessionLimits;
import dev.porthole.gateway.limits.TunnelLimits;
import dev.porthole.gateway.logging.LogBudget;
import dev.porthole.gateway.logging.SourceLogBudgets;
import dev.porthole.gateway.policy.EdgePolicy;
import dev.porthole.gateway.registry.Route;
import dev.porthole.gateway.registry.TunnelKey;
import dev.porthole.gateway.registry.TunnelOwner;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.PeerText;
import dev.porthole.protocol.auth.AuthMethod;
import dev.porthole.protocol.auth.Principal;
import dev.porthole.protocol.frame.ProtocolException;
import dev.porthole.protocol.message.Capabilities;
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
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.protocol.message.Welcome;
import dev.porthole.protocol.mux.Datagrams;
import dev.porthole.protocol.mux.MuxListener;
import dev.porthole.protocol.mux.MuxSession;
import dev.porthole.protocol.mux.MuxStream;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One agent's connection to this gateway: the HELLO/WELCOME handshake, the dispatch of its
 * messages, and the clean-up when it ends. Claiming the tunnels HELLO asks for is
 * {@link TunnelClaims}', holding them while the session lives {@link TunnelLeases}', keeping them
 * and the session record fresh {@link SessionUpkeep}', and what it reports about itself (record,
 * events, log lines) {@link SessionReports}'. Everything runs on the connection's Vert.x context.
 */
public final class AgentSession implements MuxListener, TunnelOwner {

    /** How long an agent's going-away connection may finish its streams. */
    private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(30);

    private enum State {
        AWAITING_HELLO,
        CLAIMING,
        ACTIVE,
        CLOSED
    }

    private final SessionServices services;
    private final MuxSession mux;
    /** What auth-service answered at the handshake, replaced when the client's grants change ({@link #regrant}). */
    private volatile Principal principal;

    private final String sessionId;
    private final String agentId;
    private final SessionReports reports;
    /** The tunnels this session holds. */
    private final TunnelLeases leases;

    private final SessionTimers timers;
    /** Open streams, to end those a grant taken away no longer allows. */
    private final SessionStreams streams = new SessionStreams();

    private final GrantChanges grantChanges;
    private final HandshakeAnswers answers;

    private final SessionLimits limits;
    private final SessionPolicies policies = new SessionPolicies();
    private final SessionUpkeep upkeep;
    /** Log lines an agent's refused dials and its NOTICEs may cause, so that a flood of them does not flood the log. */
    private final LogBudget dialLog;

    private final LogBudget noticeLog;
    private State state = State.AWAITING_HELLO;
    private String agentVersion = "";

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
            String remoteAddress,
            String sourceHost) {
        this.services = services;
        this.mux = mux;
        this.principal = principal;
        this.sessionId = sessionId;
        this.agentId = agentId;
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
        this.answers = new HandshakeAnswers(services, mux, sessionId);
        this.grantChanges =
                new GrantChanges(leases, streams, mux, services.claims().names(), sessionId);
        this.timers = new SessionTimers(services.vertx(), mux);
        this.limits = services.limits().openSession(principal.clientId(), principal.grants());
        this.dialLog = services.logBudgets().of("refused dials", sourceHost);
        this.noticeLog = services.logBudgets().of("notices", sourceHost);
        // A client's comings and goings are always worth their lines; an anonymous agent's, a few a minute per address.
        boolean logsLifecycle = !principal.isPublic()
                || services.logBudgets().of("anonymous sessions", sourceHost).allow();
        this.reports = new SessionReports(services, mux, sessionId, agentId, remoteAddress, logsLifecycle);
        this.upkeep = new SessionUpkeep(services, this, agentId, timers, leases, reports, policies);
    }

    /** Starts waiting for HELLO. */
    void start() {
        services.sessions().add(this);
        mux.onContext(() -> timers.after(services.config().tunnel().handshakeTimeout(), () -> {
            if (state == State.AWAITING_HELLO) {
                close(
                        CloseCode.PROTOCOL_ERROR,
                        "no HELLO within "
                                + services.config().tunnel().handshakeTimeout().toSeconds() + " s");
            }
        }));
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
            if (state == State.CLOSED) {
                return;
            }
            principal = current;
            if (state == State.ACTIVE) {
                takeUngranted();
            }
        });
    }

    /** On the session's context, while active. */
    private void takeUngranted() {
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
            case Hello hello -> onHello(hello);
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
        if (state != State.ACTIVE) {
            close(CloseCode.NORMAL, reason);
            return;
        }
        leases.releaseAll(reason);
        timers.closeWhenIdle(CloseCode.NORMAL, reason, LEAVE_TIMEOUT);
    }

    @Override
    public void onOpen(MuxStream stream, Open open) {
        // Agents open streams only to dial private tunnels; access is checked here, on every stream.
        if (state != State.ACTIVE) {
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
        State previous = state;
        state = State.CLOSED;
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
        if (previous == State.ACTIVE) {
            reports.logDisconnect(clientId(), code, reason);
            leases.releaseAll("agent disconnected: " + reason);
            reports.disconnected(clientId(), code, reason);
        } else {
            reports.closedDuringHandshake(clientId(), code, reason);
        }
    }

    // ---- handshake ----

    private void onHello(Hello hello) {
        if (state != State.AWAITING_HELLO) {
            protocolError("HELLO after the handshake");
            return;
        }
        OptionalInt version = HandshakeAnswers.version(hello);
        if (version.isEmpty()) {
            close(CloseCode.UNSUPPORTED_VERSION, HandshakeAnswers.noCommonVersion(hello));
            return;
        }
        try {
            mux.peerLimits(hello.initialWindow(), hello.maxFrameSize());
        } catch (ProtocolException e) {
            protocolError(e.getMessage());
            return;
        }
        // Shown in logs, events and the admin API: escaped once, here.
        agentVersion = PeerText.escape(hello.agentVersion());
        if (hello.capabilities().contains(Capabilities.HA)) {
            leases.joinAsHa();
        }
        state = State.CLAIMING;
        new TunnelClaims(services.claims(), this, leases)
                .claim(hello.tunnels())
                .onComplete(results -> mux.onContext(() -> welcome(version.getAsInt(), hello, results.result())));
    }

    private void welcome(int version, Hello hello, List<TunnelResult> results) {
        if (state == State.CLOSED) {
            // The agent went away while its claims were in flight: give the names back.
            leases.giveBackGranted(results);
            return;
        }
        Set<String> capabilities = HandshakeAnswers.capabilities(hello);
        mux.agreedCapabilities(capabilities);
        if (TunnelResult.tryAgainLater(results)) {
            holdBack(version, capabilities, hello, results);
            return;
        }
        List<TunnelResult> granted =
                results.stream().filter(TunnelResult::granted).toList();
        if (granted.isEmpty() && !results.isEmpty()) {
            mux.send(answers.welcome(version, capabilities, results));
            close(CloseCode.NO_TUNNELS, "none of the requested tunnels could be granted");
            return;
        }
        state = State.ACTIVE;
        if (capabilities.contains(Capabilities.UDP)) {
            mux.datagrams()
                    .receiveWith(datagram -> services.udpPorts()
                            .toVisitor(this, datagram.tunnel(), datagram.flowId(), datagram.payload()));
        }
        // Routes first, WELCOME second: the agent prints the URL on WELCOME, and a visitor may use it at once.
        for (TunnelResult result : granted) {
            leases.hold(GrantedTunnel.of(result));
        }
        mux.send(answers.welcome(version, capabilities, results));
        answers.configure(upkeep.start(principal));
        reports.connected(clientId(), agentVersion, leases.held(), policies::describe);
        // Grants may have changed while the claims were in flight (regrant), and the claims were made with the old
        // ones.
        takeUngranted();
    }

    /**
     * All or nothing while a refusal is for now only: an agent that got some of its tunnels would
     * never ask again for the one refused with 503 (it asks only when it reconnects), so the grants,
     * if any, are given back and refused too ({@link HandshakeAnswers#heldBack}), and the session
     * closes with TRY_AGAIN_LATER: the agent comes back after its back-off and asks for all of them
     * again.
     * Permanent refusals (400, 403, 409) do not come here: asking again would not change them, and
     * the grants are served.
     */
    private void holdBack(int version, Set<String> capabilities, Hello hello, List<TunnelResult> results) {
        leases.giveBackGranted(results);
        HandshakeAnswers.HeldBack heldBack = HandshakeAnswers.heldBack(hello.tunnels(), results);
        mux.send(answers.welcome(version, capabilities, heldBack.results()));
        close(
                CloseCode.TRY_AGAIN_LATER,
                heldBack.missing() + " could not be granted right now; none of the tunnels is served until the agent"
                        + " tries again with all of them");
    }

    // ---- while active ----

    /**
     * Refreshes the tunnels' registry entries now rather than at the next refresh: a draining gateway
     * learns this way, within moments, which of them the agent's new session on another gateway took over.
     */
    public void checkTakeovers() {
        mux.onContext(() -> {
            if (state == State.ACTIVE) {
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
            if (state == State.CLOSED || !leases.lose(key, reason)) {
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

    private void protocolError(String reason) {
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
