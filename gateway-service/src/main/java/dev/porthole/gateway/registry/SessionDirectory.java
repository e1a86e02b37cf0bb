package dev.porthole.gateway.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.protocol.registry.SessionRecord;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;

/**
 * Publishes this gateway's live sessions in Redis so that the admin API can list every session
 * across gateways: one JSON record per session with an expiry, plus a sorted set of ids by expiry.
 */
@ApplicationScoped
public class SessionDirectory {

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final RedisAPI redis;
    private final RedisKeys keys;
    private final long ttlMillis;
    private final Clock clock;

    public SessionDirectory(RedisAPI redis, RedisKeys keys, GatewayConfig config) {
        this.redis = redis;
        this.keys = keys;
        this.ttlMillis = config.registry().ttl().toMillis();
        this.clock = Clock.systemUTC();
    }

    /**
     * Writes (or refreshes) a session's record, and drops ids whose expiry has passed from the set: a
     * session that ends while its record is being written can be added back after its removal, and
     * without this sweep such ids would pile up under churn ({@code bench/churn.sh} left 278 of 3,000).
     */
    public Future<Void> publish(SessionRecord record) {
        String json;
        try {
            json = JSON.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            return Future.failedFuture(e);
        }
        long now = clock.millis();
        return redis.set(List.of(keys.session(record.sessionId()), json, "PX", String.valueOf(ttlMillis)))
                .compose(
                        ok -> redis.zadd(List.of(keys.sessions(), String.valueOf(now + ttlMillis), record.sessionId())))
                .compose(ok -> redis.zremrangebyscore(keys.sessions(), "-inf", "(" + now))
                .mapEmpty();
    }

    /** A live session's record, from whichever gateway published it; null when there is none (ended, or expired). */
    public Future<SessionRecord> find(String sessionId) {
        return redis.get(keys.session(sessionId)).map(value -> {
            if (value == null) {
                return null;
            }
            try {
                return JSON.readValue(value.toString(), SessionRecord.class);
            } catch (JsonProcessingException e) {
                return null;
            }
        });
    }

    /** Removes a session's record when it ends. */
    public Future<Void> remove(String sessionId) {
        return redis.del(List.of(keys.session(sessionId)))
                .compose(ok -> redis.zrem(List.of(keys.sessions(), sessionId)))
                .mapEmpty();
    }
}
