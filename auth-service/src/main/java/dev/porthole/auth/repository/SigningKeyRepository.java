package dev.porthole.auth.repository;

import dev.porthole.auth.jwt.SigningKey;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * The two JWT signing secrets in the hash {@code <prefix>signing-keys}: field {@code current} (signs
 * new JWTs, verifies) and field {@code previous} (verifies only, until retired).
 */
@ApplicationScoped
public class SigningKeyRepository {

    private static final String CURRENT = "current";
    private static final String PREVIOUS = "previous";

    /*
     * Rotation in one script so that two instances rotating at once cannot drop a secret:
     * refuses (returns the previous) while a previous secret is still active.
     */
    private static final String ROTATE = """
            local previous = redis.call('HGET', KEYS[1], 'previous')
            if previous then return previous end
            local current = redis.call('HGET', KEYS[1], 'current')
            if current then redis.call('HSET', KEYS[1], 'previous', current) end
            redis.call('HSET', KEYS[1], 'current', ARGV[1])
            return nil
            """;

    private final RedisDataSource redis;
    private final RedisKeys keys;
    private final JsonCodec json;
    private final HashCommands<String, String, String> hash;

    public SigningKeyRepository(RedisDataSource redis, RedisKeys keys, JsonCodec json) {
        this.redis = redis;
        this.keys = keys;
        this.json = json;
        this.hash = redis.hash(String.class);
    }

    public Optional<SigningKey> current() {
        return Optional.ofNullable(json.read(hash.hget(keys.signingKeys(), CURRENT), SigningKey.class));
    }

    public Optional<SigningKey> previous() {
        return Optional.ofNullable(json.read(hash.hget(keys.signingKeys(), PREVIOUS), SigningKey.class));
    }

    /** Stores {@code candidate} as the current secret unless one exists; returns the current secret. */
    public SigningKey currentOrCreate(SigningKey candidate) {
        hash.hsetnx(keys.signingKeys(), CURRENT, json.write(candidate));
        return current().orElseThrow();
    }

    /**
     * Makes {@code next} current and the current one previous. Refused (returns the still-active
     * previous secret) when a previous secret exists.
     */
    public Optional<SigningKey> rotate(SigningKey next) {
        Response blocking = redis.execute("EVAL", ROTATE, "1", keys.signingKeys(), json.write(next));
        return blocking == null ? Optional.empty() : Optional.of(json.read(blocking.toString(), SigningKey.class));
    }

    /** Removes the previous secret; returns it, or empty when there was none. */
    public Optional<SigningKey> retirePrevious() {
        Optional<SigningKey> previous = previous();
        previous.ifPresent(p -> hash.hdel(keys.signingKeys(), PREVIOUS));
        return previous;
    }
}
