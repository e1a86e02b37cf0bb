package dev.porthole.protocol.auth;

import java.util.Objects;

/**
 * Who an agent is, once authenticated, and what it may do.
 *
 * @param clientId the client's id; for public sessions a random id per agent
 * @param method how it proved who it is
 * @param grants what it may claim
 * @param sessionLifetimeSeconds how long its session may last (0: no limit); public sessions have one
 * @param credentialId the token or JWT id used ({@code jti}), for revocation; null for none
 */
public record Principal(String clientId, AuthMethod method, Grants grants, long sessionLifetimeSeconds, String credentialId) {

    public Principal {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(grants, "grants");
    }

    public boolean isPublic() {
        return method == AuthMethod.PUBLIC;
    }
}
