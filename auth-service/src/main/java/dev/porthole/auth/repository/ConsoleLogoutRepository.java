package dev.porthole.auth.repository;

import dev.porthole.auth.credential.TokenDigest;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * Console sessions that were logged out before their admin JWT expired:
 * {@code <prefix>console-logout:<sha256 of the JWT>}, expiring when the JWT would, so that a copy of
 * the cookie is useless after logout on every auth-service instance.
 */
@ApplicationScoped
public class ConsoleLogoutRepository {

    private final RedisKeys keys;
    private final ValueCommands<String, String> values;
    private final ReactiveRedisDataSource reactive;

    public ConsoleLogoutRepository(RedisDataSource redis, ReactiveRedisDataSource reactive, RedisKeys keys) {
        this.reactive = reactive;
        this.keys = keys;
        this.values = redis.value(String.class);
    }

    /** Remembers that the session holding {@code jwt} ended, until {@code expiresAt}. */
    public void loggedOut(String jwt, Instant expiresAt) {
        values.set(keys.consoleLogout(TokenDigest.sha256Hex(jwt)), "1", new SetArgs().pxAt(expiresAt));
    }

    /** Whether the session holding {@code jwt} was logged out; without blocking (the console's gate runs on the event loop). */
    public Uni<Boolean> isLoggedOut(String jwt) {
        return reactive.key().exists(keys.consoleLogout(TokenDigest.sha256Hex(jwt)));
    }
}
