package dev.porthole.gateway.control;

import dev.porthole.gateway.auth.AgentAuthenticator;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.auth.SessionCheck;
import dev.porthole.protocol.auth.SessionStanding;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Asks the authenticator again about live sessions and applies the answers: a session whose
 * credential, client or kick says it must end is closed, the others get their client's grants of now
 * ({@link AgentSession#regrant}). Runs for every session after each (re)subscription to the control
 * channel, since broadcasts published meanwhile are lost, and for a client's sessions when its
 * grants changed. A check that fails (auth-service unreachable) is tried again until it succeeds.
 */
@ApplicationScoped
public class SessionRechecks {

    static final long RETRY_MILLIS = 2_000;

    private final Vertx vertx;
    private final LocalSessions sessions;
    private final AgentAuthenticator authenticator;
    private final AtomicBoolean fullCheckRunning = new AtomicBoolean();
    private final AtomicBoolean fullCheckAgain = new AtomicBoolean();

    public SessionRechecks(Vertx vertx, LocalSessions sessions, AgentAuthenticator authenticator) {
        this.vertx = vertx;
        this.sessions = sessions;
        this.authenticator = authenticator;
    }

    /**
     * Checks every live session; after a lost subscription, with every cached answer forgotten. While
     * one such check is under way (or retrying), another is not started beside it but run once more
     * after it, so that Redis flapping while auth-service is down does not pile up retry loops.
     */
    public Future<Integer> all() {
        if (!fullCheckRunning.compareAndSet(false, true)) {
            fullCheckAgain.set(true);
            return Future.succeededFuture(0);
        }
        fullCheckAgain.set(false);
        authenticator.forgetAll();
        return recheck(session -> true, "every session").onComplete(done -> {
            fullCheckRunning.set(false);
            if (fullCheckAgain.getAndSet(false)) {
                all();
            }
        });
    }

    /** Checks the live sessions of one client. */
    public Future<Integer> client(String clientId) {
        return recheck(session -> session.clientId().equals(clientId), "the sessions of client '" + clientId + "'");
    }

    /** Checks the sessions {@code which} picks; tries again after a failure. Completes with how many were closed. */
    private Future<Integer> recheck(Predicate<AgentSession> which, String what) {
        List<AgentSession> picked = sessions.all().stream().filter(which).toList();
        if (picked.isEmpty()) {
            return Future.succeededFuture(0);
        }
        List<SessionCheck> checks = picked.stream()
                .map(session -> new SessionCheck(session.sessionId(), session.principal()))
                .toList();
        return authenticator.recheck(checks).map(this::apply).recover(error -> {
            Log.warnf(
                    "could not check %s again (%s); trying again in %d s",
                    what, error.getMessage(), RETRY_MILLIS / 1000);
            return retryLater().compose(ignored -> recheck(which, what));
        });
    }

    private Future<Void> retryLater() {
        return Future.future(promise -> vertx.setTimer(RETRY_MILLIS, id -> promise.complete()));
    }

    private int apply(List<SessionStanding> standings) {
        int closed = 0;
        for (SessionStanding standing : standings) {
            AgentSession session = sessions.find(standing.sessionId()).orElse(null);
            if (session == null) {
                continue;
            }
            if (standing.stands()) {
                session.regrant(standing.principal());
            } else {
                session.close(standing.kicked() ? CloseCode.KICKED : CloseCode.CREDENTIALS_REVOKED, standing.refusal());
                closed++;
            }
        }
        if (closed > 0) {
            Log.infof("closed %d session(s) whose credential, client or kick no longer lets them go on", closed);
        }
        return closed;
    }
}
