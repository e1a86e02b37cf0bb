package dev.porthole.auth.service;

import dev.porthole.auth.broadcast.ControlChannel;
import dev.porthole.auth.repository.SessionRepository;
import dev.porthole.protocol.broadcast.ControlBroadcast;
import dev.porthole.protocol.registry.SessionRecord;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** Lists live agent sessions across all gateways (from their Redis records) and kicks one. */
@ApplicationScoped
public class SessionService {

    /** How long a kick is remembered for gateways that resynchronise after missing its broadcast. */
    static final Duration KICK_MEMORY = Duration.ofHours(1);

    private final SessionRepository sessions;
    private final ControlChannel control;
    private final Clock clock;

    public SessionService(SessionRepository sessions, ControlChannel control, Clock clock) {
        this.sessions = sessions;
        this.control = control;
        this.clock = clock;
    }

    public Page<SessionRecord> list(int page, int size) {
        var now = clock.instant();
        return new Page<>(sessions.live(now, (long) page * size, size), page, size, sessions.countLive(now));
    }

    /** The live session with this id, if there is one. */
    public Optional<SessionRecord> find(String sessionId) {
        return sessions.find(sessionId, clock.instant());
    }

    /** Asks the gateway holding the session to close it (broadcast). */
    public SessionRecord kick(String sessionId, String actor) {
        SessionRecord session = sessions.find(sessionId, clock.instant())
                .orElseThrow(() -> AdminException.notFound("no live session '" + sessionId + "'"));
        // Written before the broadcast: a gateway that misses it finds the marker when it resynchronises.
        sessions.markKicked(session.sessionId(), KICK_MEMORY);
        control.publish(
                new ControlBroadcast.SessionKicked(session.sessionId(), session.gatewayId(), session.clientId()));
        Log.infof(
                "client %s: session %s on gateway %s kicked by %s",
                session.clientId(), sessionId, session.gatewayId(), actor);
        return session;
    }
}
