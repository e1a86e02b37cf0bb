package dev.porthole.protocol.auth;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Objects;

/**
 * Who an agent is, once authenticated, and what it may do.
 *
 * @param clientId the client's id; for public sessions a random id per agent
 * @param method how it proved who it is
 * @param grants what it may claim
 * @param sessionLifetimeSeconds how long its session may last (0: no limit); public sessions have one
 * @param credentialId the token or JWT id used ({@code jti}), or the id of the client secret used, for
 *        revocation ({@code CredentialRevoked} broadcasts name it); null for none
 * @param sessionWarningSeconds how long before the end of a limited session the gateway warns the agent
 *        (0: no warning); only meaningful when {@code sessionLifetimeSeconds} is set
 * @param signingKeyId the {@code kid} of the signing secret that verified a JWT, so that a gateway can
 *        close the session when that secret is retired; null for other methods
 */
public record Principal(
        String clientId,
        AuthMethod method,
        Grants grants,
        long sessionLifetimeSeconds,
        String credentialId,
        long sessionWarningSeconds,
        String signingKeyId) {

    public Principal {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(grants, "grants");
    }

    /** A principal without a session warning or signing key id. */
    public Principal(
            String clientId, AuthMethod method, Grants grants, long sessionLifetimeSeconds, String credentialId) {
        this(clientId, method, grants, sessionLifetimeSeconds, credentialId, 0, null);
    }

    /** Derived from {@link #method()}; not part of the JSON form. */
    @JsonIgnore
    public boolean isPublic() {
        return method == AuthMethod.PUBLIC;
    }
}
