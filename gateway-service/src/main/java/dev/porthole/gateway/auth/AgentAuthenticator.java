package dev.porthole.gateway.auth;

import dev.porthole.protocol.auth.AgentCredentials;
import dev.porthole.protocol.auth.Principal;
import dev.porthole.protocol.auth.SessionCheck;
import dev.porthole.protocol.auth.SessionStanding;
import dev.porthole.protocol.broadcast.ControlBroadcast;
import io.vertx.core.Future;
import java.util.List;

/**
 * Decides whether an agent may connect and what it may claim. Fails with
 * {@link AgentRejectedException} for a refusal the agent should show its user.
 */
public interface AgentAuthenticator {

    Future<Principal> authenticate(AgentCredentials credentials);

    /** Forgets whatever a broadcast makes stale (cached answers for a disabled client, a revoked token). */
    default void forget(ControlBroadcast broadcast) {}

    /** Forgets every cached answer: after a lost subscription, broadcasts may have been missed. */
    default void forgetAll() {}

    /**
     * Decides again, from the state of now, whether live sessions may go on and with which grants:
     * one standing per check, in order. Fails when that cannot be decided now (the caller tries again).
     */
    default Future<List<SessionStanding>> recheck(List<SessionCheck> checks) {
        return Future.succeededFuture(checks.stream()
                .map(check -> SessionStanding.valid(check.sessionId(), check.principal()))
                .toList());
    }
}
