package dev.porthole.notification.testing;

import dev.porthole.notification.deadletter.DeadLetter;
import dev.porthole.notification.deadletter.DeadLetterStore;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.PendingMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;

/** What tests check in Redis: entries still pending for the consumer group, and dead letters. */
@Singleton
public final class StreamState {

    public static final String GROUP = "notification-service";

    private final RedisDataSource redis;
    private final DeadLetterStore deadLetters;

    public StreamState(RedisDataSource redis, DeadLetterStore deadLetters) {
        this.redis = redis;
        this.deadLetters = deadLetters;
    }

    /** Whether the entry is still pending (read, not acknowledged). */
    public boolean pending(String entryId) {
        List<PendingMessage> pending = redis.stream(String.class, String.class, String.class)
                .xpending(Events.STREAM, GROUP, StreamRange.of(entryId, entryId), 1);
        return !pending.isEmpty();
    }

    /** Entries pending for the whole group. */
    public long pendingCount() {
        return redis.stream(String.class, String.class, String.class)
                .xpending(Events.STREAM, GROUP)
                .getPendingCount();
    }

    /** Waits (up to ten seconds) for the dead letter of one source entry, and returns it. */
    public DeadLetter awaitDeadLetter(String entryId) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> deadLetterOf(entryId).isPresent());
        return deadLetterOf(entryId).orElseThrow();
    }

    /** Dead letters for one source entry. */
    public List<DeadLetter> deadLettersOf(String entryId) {
        return deadLetters.newest(1000).stream()
                .filter(d -> d.sourceId().equals(entryId))
                .toList();
    }

    public Optional<DeadLetter> deadLetterOf(String entryId) {
        return deadLettersOf(entryId).stream().findFirst();
    }
}
