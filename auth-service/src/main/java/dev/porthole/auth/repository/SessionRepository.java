package dev.porthole.auth.repository;

import dev.porthole.protocol.registry.SessionRecord;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.redis.datasource.sortedset.SortedSetCommands;
import io.quarkus.redis.datasource.sortedset.ZRangeArgs;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Reads the live sessions that gateways publish: {@code <prefix>session:<id>} (JSON, expiring) and
 * {@code <prefix>sessions} (ids scored by expiry in epoch ms). auth-service never writes them; it
 * writes {@code <prefix>kicked:<id>} for a session an administrator kicked.
 */
@ApplicationScoped
public class SessionRepository {

    private final RedisKeys keys;
    private final JsonCodec json;
    private final ValueCommands<String, String> values;
    private final SortedSetCommands<String, String> index;
    private final KeyCommands<String> keyCommands;

    public SessionRepository(RedisDataSource redis, RedisKeys keys, JsonCodec json) {
        this.keys = keys;
        this.json = json;
        this.values = redis.value(String.class);
        this.index = redis.sortedSet(String.class);
        this.keyCommands = redis.key();
    }

    /** How many sessions have not expired at {@code now}. */
    public long countLive(Instant now) {
        return index.zcount(keys.sessions(), liveFrom(now));
    }

    /**
     * One page of live sessions ordered by expiry; ids whose record is gone (a gateway died between
     * refreshes) are skipped.
     */
    public List<SessionRecord> live(Instant now, long offset, int size) {
        List<String> ids = index.zrangebyscore(keys.sessions(), liveFrom(now), new ZRangeArgs().limit(offset, size));
        if (ids.isEmpty()) {
            return List.of();
        }
        var stored = values.mget(ids.stream().map(keys::session).toArray(String[]::new));
        return ids.stream()
                .map(id -> json.read(stored.get(keys.session(id)), SessionRecord.class))
                .filter(Objects::nonNull)
                .toList();
    }

    private static ScoreRange<Double> liveFrom(Instant now) {
        return ScoreRange.from(now.toEpochMilli() + 1, Long.MAX_VALUE);
    }

    /** The live session with this id. */
    public Optional<SessionRecord> find(String sessionId, Instant now) {
        OptionalDouble expiry = index.zscore(keys.sessions(), sessionId);
        if (expiry.isEmpty() || expiry.getAsDouble() <= now.toEpochMilli()) {
            return Optional.empty();
        }
        return Optional.ofNullable(json.read(values.get(keys.session(sessionId)), SessionRecord.class));
    }

    /** Remembers for {@code lifetime} that the session was kicked (its gateway may have missed the broadcast). */
    public void markKicked(String sessionId, Duration lifetime) {
        values.set(keys.kicked(sessionId), "1", new SetArgs().px(lifetime));
    }

    /** Whether an administrator kicked the session (within the marker's lifetime). */
    public boolean wasKicked(String sessionId) {
        return keyCommands.exists(keys.kicked(sessionId));
    }
}
