package dev.porthole.notification.delivery;

import dev.porthole.notification.deadletter.DeadLetter;
import dev.porthole.notification.deadletter.DeadLetterStore;
import dev.porthole.notification.metrics.NotificationMetrics;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ScheduledFuture;

/**
 * Writes dead letters in order from the delivery loop, and only then lets their entries be
 * acknowledged; while Redis refuses writes it retries, holding the entries (bounded by the
 * in-flight limit) so that nothing is acknowledged without its dead letter.
 */
@ApplicationScoped
public class DeadLetterOutbox {

    private static final Duration RETRY = Duration.ofSeconds(1);

    private final DeadLetterStore store;
    private final DeliveryLoop loop;
    private final NotificationMetrics metrics;
    private final Deque<Pending> pending = new ArrayDeque<>();
    private ScheduledFuture<?> retry;
    private boolean failing;

    private record Pending(DeadLetter letter, Runnable written) {}

    public DeadLetterOutbox(DeadLetterStore store, DeliveryLoop loop, NotificationMetrics metrics) {
        this.store = store;
        this.loop = loop;
        this.metrics = metrics;
    }

    /** Loop: writes the dead letter, then runs {@code written}. */
    void write(DeadLetter letter, Runnable written) {
        pending.add(new Pending(letter, written));
        flush();
    }

    private void flush() {
        while (!pending.isEmpty()) {
            Pending next = pending.peek();
            try {
                String id = store.write(next.letter());
                Log.infof(
                        "dead-lettered event from entry %s%s as %s: %s",
                        next.letter().sourceId(),
                        next.letter().channelId().map(c -> " for channel " + c).orElse(""),
                        id,
                        next.letter().reason());
            } catch (RuntimeException e) {
                if (!failing) {
                    failing = true;
                    Log.warnf(
                            "cannot write dead letters yet, retrying every %ss: %s", RETRY.toSeconds(), e.getMessage());
                }
                if (retry == null || retry.isDone()) {
                    retry = loop.schedule(this::flush, RETRY);
                }
                return;
            }
            failing = false;
            pending.poll();
            metrics.deadLettered(next.letter().kind().wireName());
            next.written().run();
        }
    }
}
