package dev.porthole.auth.rest;

import dev.porthole.auth.repository.TokenRecord;
import dev.porthole.auth.repository.TokenRecord.TokenKind;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/** Request and answer bodies of the token endpoints. */
public final class TokenBodies {

    private TokenBodies() {}

    /** 31 days, the longest JWT validity. */
    static final long MAX_LIFETIME_SECONDS = 31L * 24 * 3600;

    /**
     * A token to issue.
     *
     * @param kind {@code STATIC} or {@code JWT}
     * @param lifetimeSeconds validity; required for a JWT, optional for a static token; at most 31 days
     * @param description free text for operators
     */
    public record IssueToken(
            @NotNull TokenKind kind,
            @Min(1) @Max(MAX_LIFETIME_SECONDS) Long lifetimeSeconds,
            @Size(max = 200) String description) {}

    /** An issued token's metadata; never the token itself. */
    public record TokenView(
            String id,
            String clientId,
            TokenKind kind,
            String description,
            Instant createdAt,
            Instant expiresAt,
            String keyId) {
        static TokenView of(TokenRecord token) {
            return new TokenView(
                    token.id(),
                    token.clientId(),
                    token.kind(),
                    token.description(),
                    token.createdAt(),
                    token.expiresAt(),
                    token.keyId());
        }
    }

    /**
     * A token just issued, answered once.
     *
     * @param token its metadata
     * @param value the token (static token or JWT): store it now, it is never shown again
     */
    public record IssuedToken(TokenView token, String value) {}
}
