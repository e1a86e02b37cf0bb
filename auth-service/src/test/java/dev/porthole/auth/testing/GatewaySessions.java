package dev.porthole.auth.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porthole.protocol.registry.SessionRecord;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import java.time.Instant;

/** Writes sessions into Redis the way a gateway publishes them: the record and its place in the live index. */
public final class GatewaySessions {

    private GatewaySessions() {}

    /** The record under {@code porthole:session:<id>}, expiring at {@code expiry}, and its index entry. */
    public static void publish(RedisDataSource redis, ObjectMapper mapper, SessionRecord record, Instant expiry)
            throws JsonProcessingException {
        redis.value(String.class)
                .set(
                        "porthole:session:" + record.sessionId(),
                        mapper.writeValueAsString(record),
                        new SetArgs().pxAt(expiry));
        index(redis, record.sessionId(), expiry);
    }

    /** Only the entry in {@code porthole:sessions}, scored with the expiry (alone: a session whose record vanished). */
    public static void index(RedisDataSource redis, String sessionId, Instant expiry) {
        redis.sortedSet(String.class).zadd("porthole:sessions", expiry.toEpochMilli(), sessionId);
    }
}
