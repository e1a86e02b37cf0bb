package dev.porthole.gateway.control;

import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.protocol.CloseCode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The agent sessions connected to this gateway instance. */
@ApplicationScoped
public class LocalSessions {

    private final ConcurrentHashMap<String, AgentSession> sessions = new ConcurrentHashMap<>();

    public LocalSessions(GatewayMetrics metrics) {
        metrics.watchStreams(this::openStreams);
    }

    void add(AgentSession session) {
        sessions.put(session.sessionId(), session);
    }

    void remove(AgentSession session) {
        sessions.remove(session.sessionId(), session);
    }

    public Optional<AgentSession> find(String sessionId) {
        return Optional.ofNullable(sessions.get(sessionId));
    }

    public List<AgentSession> all() {
        return List.copyOf(sessions.values());
    }

    public int count() {
        return sessions.size();
    }

    /** Streams open now across all sessions: HTTP requests, upgraded connections, TCP connections, dials. */
    public int openStreams() {
        return sessions.values().stream().mapToInt(AgentSession::openStreams).sum();
    }

    /** Tells every agent to connect again elsewhere; open streams go on until the session closes. */
    public void goAway(String reason) {
        sessions.values().forEach(session -> session.goAway(reason));
    }

    /** Tunnels the sessions here serve now (not yet taken over by newer sessions elsewhere). */
    public int servingTunnels() {
        return sessions.values().stream().mapToInt(AgentSession::servingTunnels).sum();
    }

    /** Asks every session to look now whether a newer session of its agent took its tunnels over. */
    public void checkTakeovers() {
        sessions.values().forEach(AgentSession::checkTakeovers);
    }

    /** Closes every session, for example when the gateway stops. */
    public void closeAll(CloseCode code, String reason) {
        sessions.values().forEach(session -> session.close(code, reason));
    }
}
