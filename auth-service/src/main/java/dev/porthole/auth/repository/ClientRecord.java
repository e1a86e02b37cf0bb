package dev.porthole.auth.repository;

import dev.porthole.protocol.auth.Grants;
import java.time.Instant;

/**
 * A client as stored in Redis. The secret is kept only as a bcrypt hash.
 *
 * @param id the client id (DNS-safe)
 * @param description free text for operators
 * @param enabled whether it may authenticate
 * @param grants what its principals may claim
 * @param secretHash bcrypt hash (modular crypt format) of the client secret
 * @param secretId id of the current secret, reported as the credential id of Basic logins so that a
 *        rotation can close the sessions opened with the old secret
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 */
public record ClientRecord(
        String id,
        String description,
        boolean enabled,
        Grants grants,
        String secretHash,
        String secretId,
        Instant createdAt,
        Instant updatedAt) {

    public ClientRecord withGrants(Grants newGrants, Instant now) {
        return new ClientRecord(id, description, enabled, newGrants, secretHash, secretId, createdAt, now);
    }

    public ClientRecord withEnabled(boolean newEnabled, Instant now) {
        return new ClientRecord(id, description, newEnabled, grants, secretHash, secretId, createdAt, now);
    }

    public ClientRecord withSecret(String newSecretHash, String newSecretId, Instant now) {
        return new ClientRecord(id, description, enabled, grants, newSecretHash, newSecretId, createdAt, now);
    }

    @Override
    public String toString() {
        return "ClientRecord[id=" + id + ", enabled=" + enabled + "]";
    }
}
