package dev.porthole.gateway.control;

import dev.porthole.gateway.limits.SessionLimits;
import dev.porthole.gateway.limits.TunnelLimits;
import dev.porthole.gateway.logging.LogBudget;
import dev.porthole.gateway.logging.LogFields;
import dev.porthole.gateway.registry.ClaimOutcome;
import dev.porthole.gateway.registry.ClaimResult;
import dev.porthole.gateway.registry.RefreshOutcome;
import dev.porthole.gateway.registry.Route;
import dev.porthole.gateway.registry.TunnelKey;
import dev.porthole.gateway.registry.TunnelNames;
import dev.porthole.gateway.registry.TunnelOwner;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.PeerText;
import dev.porthole.protocol.ProtocolVersion;
import dev.porthole.protocol.auth.AuthMethod;
import dev.porthole.protocol.auth.Grants;
import dev.porthole.protocol.auth.Principal;
import dev.porthole.protocol.event.PortholeEvent;
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
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.protocol.message.Welcome;
import dev.porthole.protocol.mux.MuxListener;
import dev.porthole.protocol.mux.MuxSession;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.protocol.registry.SessionRecord;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One agent's connection to this gateway: the HELLO/WELCOME handshake, the tunnels it claimed,
 * their refresh in the registry while it lives, and the clean-up when it ends. Everything runs on
 * the connection's Vert.x context.
 */
public final class AgentSession implements MuxListener, TunnelOwner {

    /** Features this gateway supports; WELCOME carries those the agent supports too. */
    static final Set<String> CAPABILITIES = Set.of(Capabilities.HTTP, Capabilities.TCP, Capabilities.PRIVATE, Capabilities.HA, Capabilities.UNMASKED);

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
    private final Principal principal;
    private final String sessionId;
    private final String agentId;
    private final String remoteAddress;
    /** How this session holds its names; an HA session ({@code ha} in HELLO) joins its agent's other sessions as a holder. */
    private Route route;
    private final Instant connectedAt = Instant.now();
    private final List<GrantedTunnel> tunnels = new ArrayList<>();
    /** Tunnels served here that no newer session holds yet, readable from any thread. */
    private volatile int serving;
    /** Tunnels a newer session on another gateway holds now, after this one sent GOAWAY. */
    private final Set<TunnelKey> movedAway = new HashSet<>();
    private boolean goneAway;
    private final List<Long> timers = new ArrayList<>();
    /** Set once the session is to close when its last stream ends; on the session's context. */
    private Runnable closeOnIdle;
    private final SessionLimits limits;
    /** Log lines an agent's refused dials and its NOTICEs may cause, so that a flood of them does not flood the log. */
    private final LogBudget dialLog;
    private final LogBudget noticeLog;
    private State state = State.AWAITING_HELLO;
    private String agentVersion = "";
    private boolean registryWarned;

    AgentSession(SessionServices services, MuxSession mux, Principal principal, String sessionId, String agentId, String remoteAddress) {
        this.services = services;
        this.mux = mux;
        this.principal = principal;
        this.sessionId = sessionId;
        this.agentId = agentId;
        this.remoteAddress = remoteAddress;
        this.route = principal.method() == AuthMethod.JWT
                ? Route.ownedByClient(services.instance().id(), sessionId, principal.clientId(), agentId)
                : new Route(services.instance().id(), sessionId, principal.clientId(), agentId);
        this.limits = services.limits().openSession(principal.clientId(), principal.grants());
        this.dialLog = LogBudget.perMinute("refused dials of session " + sessionId);
        this.noticeLog = LogBudget.perMinute("notices of session " + sessionId);
    }

    /** Starts waiting for HELLO. */
    void start() {
        services.sessions().add(this);
        mux.onContext(() -> timers.add(services.vertx().setTimer(services.config().tunnel().handshakeTimeout().toMillis(), id -> {
            if (state == State.AWAITING_HELLO) {
                close(CloseCode.PROTOCOL_ERROR, "no HELLO within " + services.config().tunnel().handshakeTimeout().toSeconds() + " s");
            }
        })));
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
        return mux.openStream(tunnel, source, request, fin);
    }

    @Override
    public TunnelLimits limits(String tunnel) {
        return limits.tunnel(tunnel);
    }

    /**
     * Asks the agent to open a new connection (through the load balancer) while this one finishes
     * its open streams. From now on a tunnel that the agent's new session takes over stays served
     * here too, until the session closes: a request another gateway forwarded here just before the
     * takeover, or one on a visitor connection still open to this gateway, is served rather than
     * refused, and the agent answers it on this connection.
     */
    public void goAway(String reason) {
        mux.onContext(() -> goneAway = true);
        mux.send(new GoAway(CloseCode.GOING_AWAY.code(), reason));
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
        for (GrantedTunnel tunnel : List.copyOf(tunnels)) {
            releaseTunnel(tunnel, reason);
        }
        closeWhenIdle(CloseCode.NORMAL, reason, LEAVE_TIMEOUT);
    }

    @Override
    public void onOpen(MuxStream stream, Open open) {
        // Agents open streams only to dial private tunnels; access is checked here, on every stream.
        if (state != State.ACTIVE) {
            stream.reset(ResetCode.FORBIDDEN, "dial after the handshake");
            return;
        }
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
        timers.forEach(services.vertx()::cancelTimer);
        limits.close();
        dialLog.close();
        noticeLog.close();
        services.sessions().remove(this);
        boolean moved = !tunnels.isEmpty() && tunnels.stream().allMatch(t -> movedAway.contains(t.key()));
        if (principal.grants().maxSessions() > 0 && code != CloseCode.SESSION_REPLACED.code() && !moved) {
            // A replaced session's agent (or one whose tunnels all moved) already holds the place through its newer session.
            services.quotas().releaseSession(clientId(), agentId);
        }
        if (previous == State.ACTIVE) {
            long duration = Duration.between(connectedAt, Instant.now()).toMillis();
            try (LogFields fields = LogFields.client(clientId())) {
                Log.infof("agent disconnected: session %s, client %s, %s (%d), after %d ms, %d bytes in, %d bytes out", sessionId, clientId(),
                        PeerText.escape(reason), code, duration, mux.bytesReceived(), mux.bytesSent());
            }
            for (GrantedTunnel tunnel : List.copyOf(tunnels)) {
                releaseTunnel(tunnel, "agent disconnected: " + reason);
            }
            services.directory().remove(sessionId).onFailure(e -> Log.debugf("could not remove session record %s: %s", sessionId, e.getMessage()));
            services.metrics().agentDisconnected();
            services.events().publish(new PortholeEvent.AgentDisconnected(services.instance().id(), sessionId, clientId(), remoteAddress, code,
                    reason, duration, mux.bytesReceived(), mux.bytesSent()));
        } else {
            Log.infof("agent connection %s (client %s) closed during the handshake: %s (%d)", sessionId, clientId(), PeerText.escape(reason), code);
        }
    }

    // ---- handshake ----

    private void onHello(Hello hello) {
        if (state != State.AWAITING_HELLO) {
            protocolError("HELLO after the handshake");
            return;
        }
        OptionalInt version = ProtocolVersion.negotiate(hello.minVersion(), hello.maxVersion(), ProtocolVersion.MIN, ProtocolVersion.MAX);
        if (version.isEmpty()) {
            close(CloseCode.UNSUPPORTED_VERSION, "agent speaks protocol " + hello.minVersion() + "-" + hello.maxVersion() + ", this gateway "
                    + ProtocolVersion.MIN + "-" + ProtocolVersion.MAX + "; upgrade the older one");
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
            route = route.asHa();
        }
        state = State.CLAIMING;
        claimAll(hello.tunnels()).compose(results -> withinTunnelLimit(hello.tunnels(), results))
                .onComplete(results -> mux.onContext(() -> welcome(version.getAsInt(), hello, results.result())));
    }

    private Future<List<TunnelResult>> claimAll(List<TunnelRequest> requests) {
        List<TunnelResult> results = new ArrayList<>();
        Set<String> asked = new HashSet<>();
        Future<Void> chain = Future.succeededFuture();
        for (TunnelRequest request : requests) {
            chain = chain.compose(ignored -> claim(request, asked, results.stream().filter(TunnelResult::granted).toList())
                    .map(result -> {
                        results.add(result);
                        return null;
                    }));
        }
        return chain.map(ignored -> results);
    }

    /**
     * A client with a max-tunnels grant holds at most that many tunnels across all its sessions and
     * gateways: granted claims beyond it are given back and refused.
     */
    private Future<List<TunnelResult>> withinTunnelLimit(List<TunnelRequest> requests, List<TunnelResult> results) {
        int limit = principal.grants().maxTunnels();
        if (limit <= 0) {
            return Future.succeededFuture(results);
        }
        List<TunnelResult> checked = new ArrayList<>();
        Future<Void> chain = Future.succeededFuture();
        for (int i = 0; i < results.size(); i++) {
            TunnelRequest request = requests.get(i);
            TunnelResult result = results.get(i);
            chain = chain.compose(ignored -> {
                if (!result.granted()) {
                    checked.add(result);
                    return Future.succeededFuture();
                }
                GrantedTunnel tunnel = GrantedTunnel.of(result);
                return services.quotas().acquireTunnel(clientId(), tunnel.key().toString(), limit)
                        .otherwise(error -> null)
                        .map(acquired -> {
                            if (Boolean.TRUE.equals(acquired)) {
                                checked.add(result);
                                return null;
                            }
                            unbind(tunnel);
                            services.registry().release(tunnel.key(), route);
                            if (acquired != null) {
                                services.events().publish(new PortholeEvent.LimitHit(services.instance().id(), clientId(), result.name(), "tunnels",
                                        "session " + sessionId + " refused a tunnel: " + limit + " tunnels already open"));
                            }
                            checked.add(acquired == null
                                    ? TunnelResult.refused(request, TunnelResult.UNAVAILABLE, "the gateway cannot check the tunnel limit right now; try again")
                                    : TunnelResult.refused(request, TunnelResult.FORBIDDEN, "client '" + clientId() + "' may hold at most " + limit
                                            + (limit == 1 ? " tunnel" : " tunnels") + " at once across its agents"));
                            return null;
                        });
            });
        }
        return chain.map(ignored -> checked);
    }

    private Future<TunnelResult> claim(TunnelRequest request, Set<String> asked, List<TunnelResult> grantedSoFar) {
        if (grantedSoFar.size() >= services.config().tunnel().maxTunnelsPerSession()) {
            return refused(request, TunnelResult.FORBIDDEN, "at most " + services.config().tunnel().maxTunnelsPerSession()
                    + " tunnels per agent connection");
        }
        if (request.kind() == TunnelKind.TCP) {
            return request.privateTunnel() ? claimPrivate(request, asked) : claimPort(request, grantedSoFar);
        }
        if (request.privateTunnel()) {
            return refused(request, TunnelResult.INVALID, "only TCP tunnels can be private: porthole tcp <port> --private --name <name>");
        }
        String name = request.name().toLowerCase(Locale.ROOT);
        if (name.isEmpty()) {
            if (!principal.grants().randomNames()) {
                return refused(request, TunnelResult.FORBIDDEN, "client '" + clientId() + "' may not use random names; ask for one of its subdomains");
            }
            return claimRandom(request, services.config().registry().randomNameAttempts());
        }
        String problem = TunnelNames.problem(name);
        if (problem != null) {
            return refused(request, TunnelResult.INVALID, "'" + request.name() + "': " + problem);
        }
        if (!asked.add(name)) {
            return refused(request, TunnelResult.CONFLICT, "subdomain '" + name + "' is asked for twice in one connection");
        }
        boolean reclaimingRandomName = principal.grants().randomNames() && services.names().looksGenerated(name);
        if (principal.isPublic() && !reclaimingRandomName) {
            return refused(request, TunnelResult.FORBIDDEN, "public sessions get random names only; authenticate (--token) to choose subdomain '"
                    + name + "'");
        }
        if (!principal.grants().allowsSubdomain(name) && !reclaimingRandomName) {
            return refused(request, TunnelResult.FORBIDDEN, "client '" + clientId() + "' may not claim subdomain '" + name
                    + "'; ask an administrator to grant it");
        }
        return services.registry().claimHttp(name, route).map(outcome -> switch (outcome) {
            case ClaimOutcome.Claimed claimed -> granted(name);
            case ClaimOutcome.Joined joined -> granted(name);
            case ClaimOutcome.TookOver tookOver -> {
                takeOverFrom(tookOver.previous(), TunnelKey.http(name));
                yield granted(name);
            }
            case ClaimOutcome.Taken taken -> TunnelResult.refused(request, TunnelResult.CONFLICT, "subdomain '" + name
                    + "' is held by another client; pick another with --subdomain or ask an administrator to release it");
            case ClaimOutcome.Reserved reserved -> TunnelResult.refused(request, TunnelResult.FORBIDDEN, "subdomain '" + name
                    + "' is reserved for another client; pick another with --subdomain");
        }).recover(error -> registryUnavailable(request, error));
    }

    private Future<TunnelResult> claimPort(TunnelRequest request, List<TunnelResult> grantedSoFar) {
        if (principal.isPublic()) {
            return refused(request, TunnelResult.FORBIDDEN, "public sessions may not open TCP tunnels; authenticate (--token)");
        }
        int rangePorts = (int) grantedSoFar.stream()
                .filter(r -> r.kind() == TunnelKind.TCP && r.port() > 0 && !principal.grants().tcpPorts().contains(r.port())).count();
        return services.tcp().claim(request, clientId(), principal.grants(), route, this, rangePorts).map(this::tookOver);
    }

    private Future<TunnelResult> claimPrivate(TunnelRequest request, Set<String> asked) {
        return services.privateClaims().claim(request, principal, route, asked).map(this::tookOver);
    }

    /** A granted claim that an older session of this agent held: that session lets go of it. */
    private TunnelResult tookOver(ClaimResult claim) {
        if (claim.previous() != null) {
            takeOverFrom(claim.previous(), GrantedTunnel.of(claim.result()).key());
        }
        return claim.result();
    }

    private Future<TunnelResult> claimRandom(TunnelRequest request, int attemptsLeft) {
        if (attemptsLeft <= 0) {
            return refused(request, TunnelResult.UNAVAILABLE, "no free random name found; try again");
        }
        String name = services.names().next();
        return services.registry().claimHttp(name, route).compose(outcome -> switch (outcome) {
            case ClaimOutcome.Claimed claimed -> Future.succeededFuture(granted(name));
            case ClaimOutcome.Joined joined -> Future.succeededFuture(granted(name));
            case ClaimOutcome.TookOver tookOver -> Future.succeededFuture(granted(name));
            case ClaimOutcome.Taken taken -> claimRandom(request, attemptsLeft - 1);
            case ClaimOutcome.Reserved reserved -> claimRandom(request, attemptsLeft - 1);
        }, error -> registryUnavailable(request, error));
    }

    private Future<TunnelResult> registryUnavailable(TunnelRequest request, Throwable error) {
        try (LogFields fields = LogFields.of(clientId(), request.name())) {
            Log.warnf("tunnel registry unavailable while session %s claimed '%s': %s", sessionId, PeerText.escape(request.name()), error.getMessage());
        }
        return refused(request, TunnelResult.UNAVAILABLE, "the tunnel registry is unavailable right now; the agent will try again");
    }

    private TunnelResult granted(String name) {
        return TunnelResult.granted(TunnelKind.HTTP, name, 0, services.addresses().http(name));
    }

    private static Future<TunnelResult> refused(TunnelRequest request, int status, String message) {
        return Future.succeededFuture(TunnelResult.refused(request, status, message));
    }

    private void welcome(int version, Hello hello, List<TunnelResult> results) {
        if (state == State.CLOSED) {
            // The agent went away while its claims were in flight: give the names back.
            results.stream().filter(TunnelResult::granted).map(GrantedTunnel::of).forEach(tunnel -> {
                unbind(tunnel);
                services.registry().release(tunnel.key(), route);
            });
            return;
        }
        Set<String> capabilities = new HashSet<>(hello.capabilities());
        capabilities.retainAll(CAPABILITIES);
        List<TunnelResult> granted = results.stream().filter(TunnelResult::granted).toList();
        if (granted.isEmpty() && !results.isEmpty()) {
            mux.send(new Welcome(version, sessionId, capabilities, mux.settings().initialWindow(), mux.settings().maxFrameSize(), results,
                services.instance().id()));
            boolean retry = results.stream().anyMatch(r -> r.status() == TunnelResult.UNAVAILABLE);
            close(retry ? CloseCode.TRY_AGAIN_LATER : CloseCode.NO_TUNNELS, "none of the requested tunnels could be granted");
            return;
        }
        state = State.ACTIVE;
        // Routes first, WELCOME second: the agent prints the URL on WELCOME, and a visitor may use it at once.
        for (TunnelResult result : granted) {
            GrantedTunnel tunnel = GrantedTunnel.of(result);
            tunnels.add(tunnel);
            countServing();
            switch (tunnel.key().kind()) {
                case "http" -> services.routes().bindHttp(tunnel.name(), this);
                case "private" -> services.routes().bindPrivate(tunnel.name(), this);
                default -> {
                    // A TCP port's listener was bound during the claim, so that a port in use is refused.
                }
            }
            services.metrics().tunnelOpened(tunnel.kindName(), tunnel.name(), clientId());
            services.events().publish(new PortholeEvent.TunnelOpened(services.instance().id(), sessionId, clientId(), tunnel.kindName(),
                    tunnel.name(), tunnel.publicAddress()));
        }
        mux.send(new Welcome(version, sessionId, capabilities, mux.settings().initialWindow(), mux.settings().maxFrameSize(), results,
                services.instance().id()));
        long expiresAt = principal.sessionLifetimeSeconds() > 0 ? connectedAt.plusSeconds(principal.sessionLifetimeSeconds()).toEpochMilli() : 0;
        mux.send(new Config(services.config().heartbeat().interval(), services.config().heartbeat().timeout(),
                services.config().tunnel().maxStreamsPerSession(), expiresAt));
        mux.startHeartbeat(services.vertx(), services.config().heartbeat().interval(), services.config().heartbeat().timeout());
        timers.add(services.vertx().setPeriodic(services.config().registry().refreshInterval().toMillis(), id -> refresh()));
        if (expiresAt > 0) {
            scheduleExpiry(Duration.ofSeconds(principal.sessionLifetimeSeconds()));
        }
        publishRecord();
        services.metrics().agentConnected();
        services.events().publish(new PortholeEvent.AgentConnected(services.instance().id(), sessionId, clientId(), agentId, remoteAddress,
                agentVersion));
        try (LogFields fields = LogFields.of(clientId(), String.join(",", tunnelNames()))) {
            Log.infof("agent connected: session %s, client %s, from %s, agent %s, tunnels %s", sessionId, clientId(), remoteAddress,
                    agentVersion, tunnels.stream().map(GrantedTunnel::publicAddress).toList());
        }
    }

    // ---- while active ----

    private void refresh() {
        Grants grants = principal.grants();
        if (grants.maxSessions() > 0) {
            services.quotas().refreshSession(clientId(), agentId);
        }
        if (grants.maxTunnels() > 0) {
            services.quotas().refreshTunnels(clientId(), tunnels.stream().map(t -> t.key().toString()).toList());
        }
        refreshTunnels();
        publishRecord();
    }

    /**
     * Refreshes the tunnels' registry entries now rather than at the next refresh: a draining gateway
     * learns this way, within moments, which of them the agent's new session on another gateway took over.
     */
    public void checkTakeovers() {
        mux.onContext(() -> {
            if (state == State.ACTIVE) {
                refreshTunnels();
            }
        });
    }

    /** Tunnels this session serves now; readable from any thread. */
    public int servingTunnels() {
        return serving;
    }

    private void countServing() {
        serving = (int) tunnels.stream().filter(t -> !movedAway.contains(t.key())).count();
    }

    private void refreshTunnels() {
        for (GrantedTunnel tunnel : tunnels.stream().filter(t -> !movedAway.contains(t.key())).toList()) {
            services.registry().refresh(tunnel.key(), route).onComplete(result -> mux.onContext(() -> {
                if (result.failed()) {
                    if (!registryWarned) {
                        registryWarned = true;
                        try (LogFields fields = LogFields.of(clientId(), tunnel.name())) {
                            Log.warnf("cannot refresh tunnel '%s' of session %s in the registry (%s); still serving it", tunnel.name(), sessionId,
                                    result.cause().getMessage());
                        }
                    }
                    return;
                }
                registryWarned = false;
                if (result.result() == RefreshOutcome.RESTORED) {
                    try (LogFields fields = LogFields.of(clientId(), tunnel.name())) {
                        Log.infof("restored registry entry of tunnel '%s' (session %s) after it vanished from Redis", tunnel.name(), sessionId);
                    }
                } else if (result.result() == RefreshOutcome.LOST && goneAway) {
                    // Moved with the agent; served here still until this session closes (see goAway).
                    if (movedAway.add(tunnel.key())) {
                        countServing();
                        try (LogFields fields = LogFields.of(clientId(), tunnel.name())) {
                            Log.infof("tunnel '%s' of session %s moved with its agent to another gateway", tunnel.name(), sessionId);
                        }
                    }
                } else if (result.result() == RefreshOutcome.LOST) {
                    loseTunnel(tunnel.key(), "another session holds it now");
                }
            }));
        }
    }

    /** A newer session of the same agent claimed one of our names or ports (a reconnect); stop serving it. */
    void loseTunnel(TunnelKey key, String reason) {
        mux.onContext(() -> {
            GrantedTunnel lost = tunnels.stream().filter(t -> t.key().equals(key)).findFirst().orElse(null);
            if (lost == null || state == State.CLOSED) {
                return;
            }
            String name = lost.name();
            tunnels.remove(lost);
            countServing();
            unbind(lost);
            services.metrics().tunnelClosed(lost.kindName(), name, clientId());
            services.events().publish(new PortholeEvent.TunnelClosed(services.instance().id(), sessionId, clientId(), lost.kindName(), name, reason));
            try (LogFields fields = LogFields.of(clientId(), name)) {
                Log.infof("session %s no longer serves '%s': %s", sessionId, name, reason);
            }
            if (tunnels.isEmpty()) {
                closeWhenIdle(CloseCode.SESSION_REPLACED, principal.method() == AuthMethod.JWT
                        ? "a newer session of client '" + clientId() + "' took over its tunnels"
                        : "a newer connection of this agent took over its tunnels", services.config().shutdown().drainTimeout());
            }
        });
    }

    /**
     * Closes the session once its open streams have ended (requests it was serving when its tunnels
     * moved to a newer session, or when the agent gave the connection up), or after {@code within}
     * at the latest. On the session's context. When asked twice, the first reason is the one given
     * when the streams end, and either deadline closes it.
     */
    private void closeWhenIdle(CloseCode code, String reason, Duration within) {
        if (state == State.CLOSED) {
            return;
        }
        if (mux.openStreams() == 0) {
            close(code, reason);
            return;
        }
        if (closeOnIdle == null) {
            closeOnIdle = () -> close(code, reason);
        }
        timers.add(services.vertx().setTimer(Math.max(1, within.toMillis()), id -> close(code, reason)));
    }

    @Override
    public void onStreamsClosed() {
        if (closeOnIdle == null) {
            return;
        }
        // After the stream's own close has run to its end (its last frames and handlers), and unless a new stream opened meanwhile.
        mux.context().runOnContext(ignored -> {
            if (state != State.CLOSED && mux.openStreams() == 0) {
                closeOnIdle.run();
            }
        });
    }

    private void takeOverFrom(Route previous, TunnelKey key) {
        if (previous == null || previous.sessionId().equals(sessionId)) {
            return;
        }
        services.sessions().find(previous.sessionId()).ifPresent(old -> old.loseTunnel(key, "taken over by session " + sessionId));
    }

    /** Stops serving a tunnel on this gateway, unless a newer session took it over already; true when it did. */
    private boolean unbind(GrantedTunnel tunnel) {
        return switch (tunnel.key().kind()) {
            case "http" -> services.routes().unbindHttp(tunnel.name(), this);
            case "private" -> services.routes().unbindPrivate(tunnel.name(), this);
            default -> services.ports().release(tunnel.port(), this);
        };
    }

    private void releaseTunnel(GrantedTunnel tunnel, String reason) {
        tunnels.remove(tunnel);
        countServing();
        if (unbind(tunnel) && tunnel.key().kind().equals("http")) {
            services.routes().markOffline(tunnel.name(), reason);
        }
        services.registry().release(tunnel.key(), route)
                .onFailure(e -> Log.debugf("could not release '%s' (it expires by itself): %s", tunnel.name(), e.getMessage()));
        if (principal.grants().maxTunnels() > 0 && !movedAway.contains(tunnel.key())) {
            // A moved tunnel counts for the client through the newer session.
            services.quotas().releaseTunnel(clientId(), tunnel.key().toString());
        }
        services.metrics().tunnelClosed(tunnel.kindName(), tunnel.name(), clientId());
        services.events().publish(new PortholeEvent.TunnelClosed(services.instance().id(), sessionId, clientId(), tunnel.kindName(),
                tunnel.name(), reason));
    }

    private void scheduleExpiry(Duration lifetime) {
        Duration warning = principal.sessionWarningSeconds() > 0 ? Duration.ofSeconds(principal.sessionWarningSeconds()) : Duration.ofMinutes(2);
        Duration warnAfter = lifetime.compareTo(warning) > 0 ? lifetime.minus(warning) : lifetime.dividedBy(2);
        Duration left = lifetime.minus(warnAfter);
        timers.add(services.vertx().setTimer(Math.max(1, warnAfter.toMillis()), id -> mux.send(new Notice(Notice.Level.WARN, "session.expiring",
                "this public session ends in " + describe(left) + "; authenticate with a token for a session without a time limit"))));
        timers.add(services.vertx().setTimer(lifetime.toMillis(), id -> {
            services.events().publish(new PortholeEvent.PublicSessionExpired(services.instance().id(), sessionId, remoteAddress,
                    String.join(",", tunnels.stream().map(GrantedTunnel::name).toList())));
            close(CloseCode.SESSION_EXPIRED, "public sessions last " + describe(lifetime) + "; authenticate with a token for a longer session");
        }));
    }

    private void publishRecord() {
        SessionRecord record = new SessionRecord(sessionId, services.instance().id(), clientId(), agentId, remoteAddress, connectedAt,
                tunnels.stream().map(t -> new SessionRecord.TunnelEntry(t.kindName(), t.name(), t.publicAddress())).toList(),
                mux.bytesReceived(), mux.bytesSent(), mux.streamsOpened());
        services.directory().publish(record).onFailure(e -> Log.debugf("could not publish session record %s: %s", sessionId, e.getMessage()));
    }

    private void protocolError(String reason) {
        Log.warnf("agent session %s broke the protocol: %s", sessionId, reason);
        close(CloseCode.PROTOCOL_ERROR, reason);
    }

    private static String describe(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds % 60 == 0 ? (seconds / 60) + " minutes" : seconds + " seconds";
    }

    @Override
    public String toString() {
        return "session " + sessionId + " of client " + clientId();
    }

    /** Streams open on this session now; readable from any thread, so possibly a moment old. */
    public int openStreams() {
        return mux.openStreams();
    }

    /** The tunnel names this session serves (read on its context). */
    List<String> tunnelNames() {
        return tunnels.stream().map(GrantedTunnel::name).toList();
    }
}
