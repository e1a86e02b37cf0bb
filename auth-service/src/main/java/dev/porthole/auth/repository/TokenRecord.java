package dev.porthole.auth.repository;

import java.time.Instant;

/**
 * An issued token as stored in Redis: metadata only; a static token is stored as its SHA-256 under
 * {@code token-hash:}, a JWT not at all.
 *
 * @param id token id; for a JWT also its {@code jti}
 * @param clientId the client it was issued for
 * @param kind static token or JWT
 * @param description free text for operators
 * @param createdAt when it was issued
 * @param expiresAt when it stops working, or null for a static token without expiry
 * @param keyId for a JWT, the {@code kid} of the secret that signed it
 * @param sha256 for a static token, the hex SHA-256 of the token (to drop its index on revocation)
 */
public record TokenRecord(
        String id,
        String clientId,
        TokenKind kind,
        String description,
        Instant createdAt,
        Instant expiresAt,
        String keyId,
        String sha256) {

    /** The two kinds of issued token. */
    public enum TokenKind {
        STATIC,
        JWT
    }
}
