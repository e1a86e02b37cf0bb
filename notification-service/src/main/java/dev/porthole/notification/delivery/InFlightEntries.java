package dev.porthole.notification.delivery;

import dev.porthole.notification.config.NotificationConfig;
import dev.porthole.notification.metrics.NotificationMetrics;
import dev.porthole.notification.stream.ConsumerGroup;
import io.quarkus.logging.Log;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The stream entries this replica holds: read, not yet acknowledged. At most
 * {@code consumer.max-in-flight} are held; an entry is acknowledged (XACK) only when every one of
 * its deliveries is finished (delivered, filtered, merged into a delivered summary or flapping
 * report, or dead-lettered), and its slot is freed only once the acknowledgement reached Redis.
 * Counts change on the delivery loop; the consumer thread only reserves slots and reads the ids.
 */
@ApplicationScoped
public class InFlightEntries {

    private static final Duration ACK_RETRY = Duration.ofSeconds(1);

    private final Semaphore slots;
    private final int max;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final Set<String> awaitingAck = new LinkedHashSet<>();
    private final ConsumerGroup group;
    private final DeliveryLoop loop;
    private final NotificationMetrics metrics;
    private ScheduledFuture<?> ackRetry;
    private boolean ackFailing;

    /** Deliveries still open for one entry; -1 until it is routed. */
    private static final class Held {
        int open = -1;
        boolean lost;
    }

    public InFlightEntries(
            NotificationConfig config, ConsumerGroup group, DeliveryLoop loop, NotificationMetrics metrics) {
        this.max = config.notification().consumer().maxInFlight();
        this.slots = new Semaphore(max);
        this.group = group;
        this.loop = loop;
        this.metrics = metrics;
    }

    @PostConstruct
    void watch() {
        metrics.watchInFlight(this::count);
    }

    /** Entries held now. */
    public int count() {
        return max - slots.availablePermits();
    }

    int freeSlots() {
        return slots.availablePermits();
    }

    boolean awaitFreeSlot(Duration wait) throws InterruptedException {
        if (slots.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
            slots.release();
            return true;
        }
        return false;
    }

    /** Consumer thread: takes one slot per entry; the caller checked there are enough. */
    void reserve(Collection<String> entryIds) {
        slots.acquireUninterruptibly(entryIds.size());
        for (String id : entryIds) {
            held.put(id, new Held());
        }
    }

    boolean holds(String entryId) {
        return held.containsKey(entryId);
    }

    Set<String> ids() {
        return Set.copyOf(held.keySet());
    }

    /** Loop: the entry goes to this many deliveries; none means it is finished already (filtered out). */
    void routed(String entryId, int deliveries) {
        Held h = held.get(entryId);
        if (h == null) {
            return;
        }
        h.open = deliveries;
        if (deliveries == 0) {
            finish(entryId, h);
        }
    }

    /** Loop: one delivery of the entry is finished. */
    void done(String entryId) {
        Held h = held.get(entryId);
        if (h == null || h.open <= 0) {
            return;
        }
        h.open--;
        if (h.open == 0) {
            finish(entryId, h);
        }
    }

    /** Loop: another consumer took these over; finish without acknowledging. */
    void lost(Collection<String> entryIds) {
        for (String id : entryIds) {
            Held h = held.get(id);
            if (h != null && !h.lost && !awaitingAck.contains(id)) {
                h.lost = true;
                Log.warnf("entry %s was taken over by another consumer; this replica stops working on it", id);
            }
        }
    }

    /** Whether another consumer took the entry over, so this replica must not deliver it. */
    boolean isLost(String entryId) {
        Held h = held.get(entryId);
        return h != null && h.lost;
    }

    private void finish(String entryId, Held h) {
        if (h.lost) {
            held.remove(entryId);
            slots.release();
            return;
        }
        awaitingAck.add(entryId);
        flushAcks();
    }

    private void flushAcks() {
        if (awaitingAck.isEmpty()) {
            return;
        }
        List<String> ids = new ArrayList<>(awaitingAck);
        try {
            group.ack(ids);
        } catch (RuntimeException e) {
            if (!ackFailing) {
                ackFailing = true;
                Log.warnf(
                        "cannot acknowledge %d entries yet, retrying every %ss: %s",
                        ids.size(), ACK_RETRY.toSeconds(), e.getMessage());
            }
            if (ackRetry == null || ackRetry.isDone()) {
                ackRetry = loop.schedule(this::flushAcks, ACK_RETRY);
            }
            return;
        }
        ackFailing = false;
        for (String id : ids) {
            awaitingAck.remove(id);
            held.remove(id);
        }
        slots.release(ids.size());
    }
}
