package dev.porthole.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.protocol.registry.SessionRecord;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The directory of live sessions that the admin API lists, against a real Redis. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class SessionDirectoryTest {

    @Inject
    SessionDirectory directory;

    @Inject
    RedisAPI redis;

    @Inject
    RedisKeys keys;

    @Test
    void publishingASessionSweepsIdsWhoseExpiryHasPassed() {
        // What a session that ended while its record was being written leaves behind: an id with no record.
        join(redis.zadd(List.of(keys.sessions(), "1", "s-ended-long-ago")));
        join(directory.publish(record("s-live")));

        assertThat(members()).contains("s-live").doesNotContain("s-ended-long-ago");
    }

    @Test
    void aRemovedSessionLeavesNeitherRecordNorId() {
        join(directory.publish(record("s-gone")));
        join(directory.remove("s-gone"));

        assertThat(members()).doesNotContain("s-gone");
        assertThat(join(redis.exists(List.of(keys.session("s-gone")))).toInteger())
                .isZero();
    }

    private List<String> members() {
        return join(redis.zrange(List.of(keys.sessions(), "0", "-1"))).stream()
                .map(Response::toString)
                .toList();
    }

    private static SessionRecord record(String id) {
        return new SessionRecord(id, "g1", "client-a", "agent-a", "127.0.0.1:1", Instant.now(), List.of(), 0, 0);
    }

    private static <T> T join(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
