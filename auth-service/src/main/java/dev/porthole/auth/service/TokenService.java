package dev.porthole.auth.service;

import dev.porthole.auth.broadcast.ControlChannel;
import dev.porthole.auth.config.AuthConfig;
import dev.porthole.auth.credential.SecretGenerator;
import dev.porthole.auth.credential.TokenDigest;
import dev.porthole.auth.jwt.AgentJwtVerifier;
import dev.porthole.auth.jwt.JwtIssuer;
import dev.porthole.auth.jwt.SigningKey;
import dev.porthole.auth.repository.ClientRepository;
import dev.porthole.auth.repository.TokenRecord;
import dev.porthole.auth.repository.TokenRecord.TokenKind;
import dev.porthole.auth.repository.TokenRepository;
import dev.porthole.protocol.broadcast.ControlBroadcast;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Issues static tokens and JWTs for clients (each shown once), lists them without their values, and
 * revokes them (gateways close the sessions that used them).
 */
@ApplicationScoped
public class TokenService {

    private final ClientRepository clients;
    private final TokenRepository tokens;
    private final SigningKeyService signingKeys;
    private final SecretGenerator generator;
    private final JwtIssuer issuer;
    private final ControlChannel control;
    private final AuthConfig config;
    private final Clock clock;

    public TokenService(
            ClientRepository clients,
            TokenRepository tokens,
            SigningKeyService signingKeys,
            SecretGenerator generator,
            JwtIssuer issuer,
            ControlChannel control,
            AuthConfig config,
            Clock clock) {
        this.clients = clients;
        this.tokens = tokens;
        this.signingKeys = signingKeys;
        this.generator = generator;
        this.issuer = issuer;
        this.control = control;
        this.config = config;
        this.clock = clock;
    }

    /**
     * A token and, once only, its value.
     *
     * @param token its stored metadata
     * @param value the static token or JWT; never stored (a static token only as its hash) or shown again
     */
    public record Issued(TokenRecord token, String value) {
        @Override
        public String toString() {
            return "Issued[token=" + token.id() + "]";
        }
    }

    /** Issues a token; {@code lifetime} is required for a JWT (at most 31 days) and optional for a static token. */
    public Issued issue(String clientId, TokenKind kind, Duration lifetime, String description, String actor) {
        requireClient(clientId);
        if (kind == TokenKind.JWT && lifetime == null) {
            throw AdminException.invalid(
                    "lifetimeSeconds",
                    "is required for a JWT (at most " + AgentJwtVerifier.MAX_VALIDITY.toSeconds() + ")");
        }
        if (tokens.forClient(clientId).size() >= config.maxTokensPerClient()) {
            throw new AdminException(
                    AdminException.Kind.CONFLICT,
                    "Too many tokens",
                    "client '" + clientId + "' already holds " + config.maxTokensPerClient()
                            + " tokens (PORTHOLE_AUTH_MAX_TOKENS_PER_CLIENT); revoke one first");
        }
        Instant now = clock.instant();
        Instant expiresAt = lifetime == null ? null : now.plus(lifetime);
        Issued issued = switch (kind) {
            case STATIC -> {
                String value = generator.staticToken();
                String sha = TokenDigest.sha256Hex(value);
                yield new Issued(
                        new TokenRecord(generator.id("tok_"), clientId, kind, description, now, expiresAt, null, sha),
                        value);
            }
            case JWT -> {
                SigningKey key = signingKeys.currentKey();
                String jti = generator.id("jwt_");
                String value = issuer.agentToken(
                        key, clientId, jti, now, expiresAt, config.jwt().audience());
                yield new Issued(
                        new TokenRecord(jti, clientId, kind, description, now, expiresAt, key.kid(), null), value);
            }
        };
        tokens.save(issued.token(), now);
        Log.infof(
                "client %s: %s token %s issued by %s",
                clientId, kind, issued.token().id(), actor);
        return issued;
    }

    public List<TokenRecord> list(String clientId) {
        requireClient(clientId);
        return tokens.forClient(clientId);
    }

    /** Revokes one of the client's tokens; gateways close the sessions that used it. */
    public void revoke(String clientId, String tokenId, String actor) {
        TokenRecord token = tokens.find(tokenId)
                .filter(t -> t.clientId().equals(clientId))
                .orElseThrow(() -> AdminException.notFound("client '" + clientId + "' has no token '" + tokenId + "'"));
        tokens.delete(token, clock.instant(), config.jwt().clockSkew());
        control.publish(new ControlBroadcast.CredentialRevoked(clientId, tokenId));
        Log.infof("client %s: token %s revoked by %s", clientId, tokenId, actor);
    }

    private void requireClient(String clientId) {
        if (clients.find(clientId).isEmpty()) {
            throw AdminException.notFound("client '" + clientId + "' does not exist");
        }
    }
}
