package dev.porthole.gateway.control;

import dev.porthole.gateway.logging.LogFields;
import dev.porthole.gateway.registry.RefreshOutcome;
import dev.porthole.gateway.registry.Route;
import dev.porthole.gateway.registry.TunnelKey;
import dev.porthole.protocol.auth.Grants;
import dev.porthole.protocol.event.PortholeEvent;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.protocol.mux.MuxSession;
import io.quarkus.logging.Log;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The tunnels one agent session holds once they are granted: binding them on this gateway, their
 * refresh in the registry while the session lives, losing them to a newer session of the agent
 * (takeover), and giving them back. On the session's context, apart from {@link #servingTunnels()}.
 */
final class TunnelLeases {

    private final SessionServices services;
    private final AgentSession session;
    private final MuxSession mux;
    private final String sessionId;
    /** How this session holds its names; an HA session ({@code ha} in HELLO) joins its agent's other sessions as a holder. */
    private Route route;

    /** Sized for one: most sessions hold one tunnel, and an idle one keeps its list (docs/performance.md). */
    private final List<GrantedTunnel> tunnels = new ArrayList<>(1);
    /** Tunnels served here that no newer session holds yet, readable from any thread. */
    private volatile int serving;
    /**
     * Tunnels a newer session on another gateway holds now, after this one sent GOAWAY; made when the
     * first one moves, as most sessions never see one.
     */
    private Set<TunnelKey> movedAway = Set.of();

    private boolean goneAway;
    private boolean registryWarned;

    TunnelLeases(SessionServices services, AgentSession session, MuxSession mux, Route route) {
        this.services = services;
        this.session = session;
        this.mux = mux;
        this.sessionId = session.sessionId();
        this.route = route;
    }

    Route route() {
        return route;
    }

    /** The agent keeps two connections ({@code ha} in HELLO): this one holds its names next to the other. */
    void joinAsHa() {
        route = route.asHa();
    }

    /** The session sent GOAWAY: tunnels the agent's new session takes over stay served here until this one closes. */
    void goneAway() {
        goneAway = true;
    }

    List<GrantedTunnel> held() {
        return List.copyOf(tunnels);
    }

    boolean isEmpty() {
        return tunnels.isEmpty();
    }

    /** Whether every tunnel this session held moved to a newer session of its agent. */
    boolean allMovedAway() {
        return !tunnels.isEmpty() && tunnels.stream().allMatch(t -> movedAway.contains(t.key()));
    }

    private boolean markMovedAway(TunnelKey key) {
        if (movedAway.isEmpty()) {
            movedAway = new HashSet<>();
        }
        return movedAway.add(key);
    }

    /** Serves a granted tunnel on this gateway. */
    void hold(GrantedTunnel tunnel) {
        tunnels.add(tunnel);
        countServing();
        switch (tunnel.key().kind()) {
            case "http" -> services.routes().bindHttp(tunnel.name(), session);
            case "private" -> services.routes().bindPrivate(tunnel.name(), tunnel.kind(), session);
            case "tls" -> services.routes().bindTls(tunnel.name(), session);
            default -> {
                // A TCP port's listener or a UDP port's socket was bound during the claim, so that a port in use is
                // refused.
            }
        }
        services.metrics().tunnelOpened(tunnel.kindName(), tunnel.name(), clientId());
        services.events()
                .publish(new PortholeEvent.TunnelOpened(
                        services.instance().id(),
                        sessionId,
                        clientId(),
                        tunnel.kindName(),
                        tunnel.name(),
                        tunnel.publicAddress()));
    }

    void refresh() {
        Grants grants = session.principal().grants();
        if (grants.maxTunnels() > 0) {
            services.quotas()
                    .refreshTunnels(
                            clientId(),
                            tunnels.stream().map(t -> t.key().toString()).toList());
        }
        refreshTunnels();
    }

    /** Tunnels this session serves now; readable from any thread. */
    int servingTunnels() {
        return serving;
    }

    private void countServing() {
        serving =
                (int) tunnels.stream().filter(t -> !movedAway.contains(t.key())).count();
    }

    void refreshTunnels() {
        for (GrantedTunnel tunnel :
                tunnels.stream().filter(t -> !movedAway.contains(t.key())).toList()) {
            services.registry()
                    .refresh(tunnel.key(), route)
                    .onComplete(result -> mux.onContext(() -> {
                        if (result.failed()) {
                            if (!registryWarned) {
                                registryWarned = true;
                                try (LogFields fields = LogFields.of(clientId(), tunnel.name())) {
                                    Log.warnf(
                                            "cannot refresh tunnel '%s' of session %s in the registry (%s); still serving it",
                                            tunnel.name(),
                                            sessionId,
                                            result.cause().getMessage());
                                }
                            }
                            return;
                        }
                        registryWarned = false;
                        if (result.result() == RefreshOutcome.RESTORED) {
                            try (LogFields fields = LogFields.of(clientId(), tunnel.name())) {
                                Log.infof(
                                        "restored registry entry of tunnel '%s' (session %s) after it vanished from Redis",
                                        tunnel.name(), sessionId);
                            }
                        } else if (result.result() == RefreshOutcome.LOST && goneAway) {
                            // Moved with the agent; served here still until this session closes (see
                            // AgentSession.goAway).
                            if (markMovedAway(tunnel.key())) {
                                countServing();
                                try (LogFields fields = LogFields.of(clientId(), tunnel.name())) {
                                    Log.infof(
                                            "tunnel '%s' of session %s moved with its agent to another gateway",
                                            tunnel.name(), sessionId);
                                }
                            }
                        } else if (result.result() == RefreshOutcome.LOST) {
                            session.loseTunnel(tunnel.key(), "another session holds it now");
                        }
                    }));
        }
    }

    /** Stops serving a tunnel a newer session took; true when this session held it. */
    boolean lose(TunnelKey key, String reason) {
        GrantedTunnel lost =
                tunnels.stream().filter(t -> t.key().equals(key)).findFirst().orElse(null);
        if (lost == null) {
            return false;
        }
        String name = lost.name();
        tunnels.remove(lost);
        countServing();
        unbind(lost);
        services.metrics().tunnelClosed(lost.kindName(), name, clientId());
        services.events()
                .publish(new PortholeEvent.TunnelClosed(
                        services.instance().id(), sessionId, clientId(), lost.kindName(), name, reason));
        try (LogFields fields = LogFields.of(clientId(), name)) {
            Log.infof("session %s no longer serves '%s': %s", sessionId, name, reason);
        }
        return true;
    }

    /** The registry says an older session of this agent held {@code key}: that session lets go of it. */
    void takeOverFrom(Route previous, TunnelKey key) {
        if (previous == null || previous.sessionId().equals(sessionId)) {
            return;
        }
        services.sessions()
                .find(previous.sessionId())
                .ifPresent(old -> old.loseTunnel(key, "taken over by session " + sessionId));
    }

    /** Gives a granted tunnel that this session never served back to the registry. */
    void giveBack(GrantedTunnel tunnel) {
        unbind(tunnel);
        services.registry().release(tunnel.key(), route);
    }

    /**
     * Gives back every tunnel {@code results} grants, from a handshake that does not go on to serve
     * them: their registry entries, their listeners, and the places they took in the client's
     * tunnel limit.
     */
    void giveBackGranted(List<TunnelResult> results) {
        boolean counted = session.principal().grants().maxTunnels() > 0;
        for (TunnelResult result : results) {
            if (!result.granted()) {
                continue;
            }
            GrantedTunnel tunnel = GrantedTunnel.of(result);
            giveBack(tunnel);
            if (counted) {
                services.quotas().releaseTunnel(clientId(), tunnel.key().toString());
            }
        }
    }

    /** Stops serving a tunnel on this gateway, unless a newer session took it over already; true when it did. */
    private boolean unbind(GrantedTunnel tunnel) {
        return switch (tunnel.key().kind()) {
            case "http" -> services.routes().unbindHttp(tunnel.name(), session);
            case "private" -> services.routes().unbindPrivate(tunnel.name(), tunnel.kind(), session);
            case "tls" -> services.routes().unbindTls(tunnel.name(), session);
            case "udp" -> services.udpPorts().release(tunnel.port(), session);
            default -> services.ports().release(tunnel.port(), session);
        };
    }

    /** Gives every tunnel back. */
    void releaseAll(String reason) {
        for (GrantedTunnel tunnel : List.copyOf(tunnels)) {
            releaseTunnel(tunnel, reason, true);
        }
    }

    /** Stops serving a tunnel its client may no longer hold and frees it in the registry (visitors get 404, not agent-offline). */
    void revoke(GrantedTunnel tunnel, String reason) {
        if (tunnels.contains(tunnel)) {
            releaseTunnel(tunnel, reason, false);
            try (LogFields fields = LogFields.of(clientId(), tunnel.name())) {
                Log.infof("session %s no longer serves '%s': %s", sessionId, tunnel.name(), reason);
            }
        }
    }

    private void releaseTunnel(GrantedTunnel tunnel, String reason, boolean mayComeBack) {
        tunnels.remove(tunnel);
        countServing();
        if (unbind(tunnel) && mayComeBack && tunnel.key().kind().equals("http")) {
            services.routes().markOffline(tunnel.name(), reason);
        }
        services.registry()
                .release(tunnel.key(), route)
                .onFailure(e ->
                        Log.debugf("could not release '%s' (it expires by itself): %s", tunnel.name(), e.getMessage()));
        if (session.principal().grants().maxTunnels() > 0 && !movedAway.contains(tunnel.key())) {
            // A moved tunnel counts for the client through the newer session.
            services.quotas().releaseTunnel(clientId(), tunnel.key().toString());
        }
        services.metrics().tunnelClosed(tunnel.kindName(), tunnel.name(), clientId());
        services.events()
                .publish(new PortholeEvent.TunnelClosed(
                        services.instance().id(), sessionId, clientId(), tunnel.kindName(), tunnel.name(), reason));
    }

    private String clientId() {
        return session.clientId();
    }
}
