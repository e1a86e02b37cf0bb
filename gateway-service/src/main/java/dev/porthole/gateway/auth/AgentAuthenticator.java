package dev.porthole.gateway.auth;

import dev.porthole.protocol.auth.AgentCredentials;
import dev.porthole.protocol.broadcast.ControlBroadcast;
import dev.porthole.protocol.auth.Principal;
import io.vertx.core.Future;

/**
 * Decides whether an agent may connect and what it may claim. Fails with
 * {@link AgentRejectedException} for a refusal the agent should show its user.
 */
public interface AgentAuthenticator {

    Future<Principal> authenticate(AgentCredentials credentials);

    /** Forgets whatever a broadcast makes stale (cached answers for a disabled client, a revoked token). */
    default void forget(ControlBroadcast broadcast) {
    }
}
