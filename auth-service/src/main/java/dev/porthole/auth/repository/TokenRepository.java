package dev.porthole.auth.repository;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.set.SetCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Issued tokens: records under {@code <prefix>token:<id>}, static tokens indexed by hash under
 * {@code <prefix>token-hash:<sha256>}, per-client sets {@code <prefix>client-tokens:<clientId>}, and
 * revoked JWT ids under {@code <prefix>revoked-jwt:<jti>}. Records of expiring tokens expire with them.
 */
@ApplicationScoped
public class TokenRepository {

    private final RedisDataSource redis;
    private final RedisKeys keys;
    private final JsonCodec json;
    private final ValueCommands<String, String> values;
    private final SetCommands<String, String> sets;

    public TokenRepository(RedisDataSource redis, RedisKeys keys, JsonCodec json) {
        this.redis = redis;
        this.keys = keys;
        this.json = json;
        this.values = redis.value(String.class);
        this.sets = redis.set(String.class);
    }

    /** Stores a token record (and the hash index of a static token), expiring with the token. */
    public void save(TokenRecord token, Instant now) {
        SetArgs expiry = new SetArgs();
        if (token.expiresAt() != null) {
            expiry.pxAt(token.expiresAt());
        }
        values.set(keys.token(token.id()), json.write(token), expiry);
        if (token.sha256() != null) {
            values.set(keys.tokenHash(token.sha256()), token.id(), expiry);
        }
        sets.sadd(keys.clientTokens(token.clientId()), token.id());
    }

    public Optional<TokenRecord> find(String tokenId) {
        return Optional.ofNullable(json.read(values.get(keys.token(tokenId)), TokenRecord.class));
    }

    /** The live static token whose SHA-256 is this. */
    public Optional<TokenRecord> findStaticByHash(String sha256Hex) {
        String id = values.get(keys.tokenHash(sha256Hex));
        return id == null ? Optional.empty() : find(id);
    }

    /** The client's live tokens, oldest first; ids of expired tokens are dropped from its set on the way. */
    public List<TokenRecord> forClient(String clientId) {
        List<String> ids = new ArrayList<>(sets.smembers(keys.clientTokens(clientId)));
        if (ids.isEmpty()) {
            return List.of();
        }
        var stored = values.mget(ids.stream().map(keys::token).toArray(String[]::new));
        List<TokenRecord> live = new ArrayList<>();
        for (String id : ids) {
            TokenRecord token = json.read(stored.get(keys.token(id)), TokenRecord.class);
            if (token == null) {
                sets.srem(keys.clientTokens(clientId), id);
            } else {
                live.add(token);
            }
        }
        live.sort(Comparator.comparing(TokenRecord::createdAt).thenComparing(TokenRecord::id));
        return live;
    }

    /** Deletes a token's record and index; a JWT id stays refused until {@code jwtExpiry}. */
    public void delete(TokenRecord token, Instant now, Duration clockSkew) {
        redis.key().del(keys.token(token.id()));
        if (token.sha256() != null) {
            redis.key().del(keys.tokenHash(token.sha256()));
        }
        sets.srem(keys.clientTokens(token.clientId()), token.id());
        if (token.kind() == TokenRecord.TokenKind.JWT && token.expiresAt() != null) {
            markJwtRevoked(token.id(), token.expiresAt().plus(clockSkew), now);
        }
    }

    /** Refuses a JWT id until {@code until} (after which the JWT is expired anyway). */
    public void markJwtRevoked(String jti, Instant until, Instant now) {
        if (until.isAfter(now)) {
            values.set(keys.revokedJwt(jti), "1", new SetArgs().pxAt(until));
        }
    }

    public boolean isJwtRevoked(String jti) {
        return redis.key().exists(keys.revokedJwt(jti));
    }

    /** Deletes every token of a client (when the client is deleted); returns their records. */
    public List<TokenRecord> deleteAllOf(String clientId, Instant now, Duration clockSkew) {
        List<TokenRecord> tokens = forClient(clientId);
        tokens.forEach(token -> delete(token, now, clockSkew));
        redis.key().del(keys.clientTokens(clientId));
        return tokens.stream().filter(Objects::nonNull).toList();
    }
}
