package dev.porthole.notification.stream;

import dev.porthole.notification.config.NotificationConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads {@code <prefix>events} with the consumer group, one thread per replica: first the entries
 * this consumer left pending before a restart, then new entries, and every claim interval the
 * entries a crashed replica left pending. It reads only as many entries as the delivery side has
 * room for, so a slow chat service pauses reading instead of filling memory; what is not read
 * waits in Redis. Entries are acknowledged by the delivery side once each is finished.
 */
@ApplicationScoped
public class EventConsumer {

    private static final Duration REDIS_RETRY = Duration.ofSeconds(1);

    private final ConsumerGroup group;
    private final EntrySink sink;
    private final NotificationConfig.Consumer config;
    private final Clock clock;
    private final Duration refreshInterval;

    private volatile boolean running;
    private volatile Instant heartbeat = Instant.EPOCH;
    private volatile boolean connected;
    private Thread thread;

    private boolean groupReady;
    private boolean ownPendingRead;
    private String claimCursor = "0-0";
    private Instant nextClaim = Instant.EPOCH;
    private Instant nextRefresh = Instant.EPOCH;

    public EventConsumer(ConsumerGroup group, EntrySink sink, NotificationConfig config, Clock clock) {
        this.group = group;
        this.sink = sink;
        this.config = config.notification().consumer();
        this.clock = clock;
        this.refreshInterval = this.config.claimMinIdle().dividedBy(3);
    }

    /** Late, after the extensions' own start-up observers (the Redis client's included) have run. */
    void start(@Observes @Priority(5000) StartupEvent event) {
        running = true;
        thread = Thread.ofPlatform().name("notify-consumer").daemon(true).start(this::run);
        Log.infof(
                "consuming %s as consumer '%s' of group '%s' (at most %d entries in flight)",
                group.streamKey(), group.consumerName(), group.groupName(), config.maxInFlight());
    }

    void stop(@Observes @Priority(10) ShutdownEvent event) {
        running = false;
        if (thread != null) {
            try {
                thread.join(config.block().plusSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** When the loop last completed a round; liveness looks at it. */
    public Instant heartbeat() {
        return heartbeat;
    }

    /** Whether the reading thread is running. */
    public boolean alive() {
        return thread != null && thread.isAlive();
    }

    /** Whether the last round reached Redis. */
    public boolean connected() {
        return connected;
    }

    private void run() {
        while (running) {
            try {
                round();
                heartbeat = clock.instant();
                if (!connected) {
                    connected = true;
                    Log.infof("consumer '%s' reading events", group.consumerName());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                heartbeat = clock.instant();
                if (String.valueOf(e.getMessage()).contains("NOGROUP")) {
                    groupReady = false;
                }
                if (connected) {
                    connected = false;
                    Log.warnf(
                            "consumer '%s' cannot read events, retrying every %ss: %s",
                            group.consumerName(), REDIS_RETRY.toSeconds(), e.getMessage());
                }
                pause();
            }
        }
    }

    private void round() throws InterruptedException {
        if (!groupReady) {
            if (group.ensure(config.startFrom())) {
                Log.infof(
                        "created consumer group '%s' starting from the %s of the stream",
                        group.groupName(),
                        config.startFrom() == NotificationConfig.StartPosition.LATEST ? "end" : "beginning");
            }
            groupReady = true;
            ownPendingRead = false;
        }
        if (!ownPendingRead) {
            readOwnPending();
            ownPendingRead = true;
        }
        Instant now = clock.instant();
        if (!now.isBefore(nextRefresh)) {
            refreshHeld();
            nextRefresh = now.plus(refreshInterval);
        }
        if (!now.isBefore(nextClaim)) {
            claimStale();
            nextClaim = now.plus(config.claimInterval());
        }
        if (!sink.awaitFreeSlot(config.block())) {
            return;
        }
        List<StreamEntry> entries = group.readNew(Math.min(config.batchSize(), sink.freeSlots()), config.block());
        if (entries.isEmpty()) {
            sink.idle();
        } else {
            sink.accept(entries);
        }
    }

    /** After a restart under the same name, entries read but not acknowledged are still ours. */
    private void readOwnPending() throws InterruptedException {
        String after = "0";
        int recovered = 0;
        while (running) {
            if (!sink.awaitFreeSlot(config.block())) {
                continue;
            }
            List<StreamEntry> entries = group.readOwnPending(after, Math.min(config.batchSize(), sink.freeSlots()));
            if (entries.isEmpty()) {
                break;
            }
            after = entries.getLast().id();
            List<StreamEntry> fresh = new ArrayList<>();
            for (StreamEntry entry : entries) {
                if (!sink.holds(entry.id())) {
                    fresh.add(entry);
                }
            }
            recovered += fresh.size();
            sink.accept(fresh);
        }
        if (recovered > 0) {
            Log.infof(
                    "consumer '%s' resumed %d entries it had read before it stopped", group.consumerName(), recovered);
        }
    }

    private void refreshHeld() {
        List<String> held = new ArrayList<>(sink.held());
        List<String> lost = new ArrayList<>();
        for (int from = 0; from < held.size(); from += 200) {
            lost.addAll(group.refresh(held.subList(from, Math.min(held.size(), from + 200))));
        }
        // An id acknowledged since the snapshot is not lost; the sink ignores ids it no longer holds.
        if (!lost.isEmpty()) {
            sink.lost(lost);
        }
    }

    private void claimStale() {
        int room = sink.freeSlots();
        if (room == 0) {
            return;
        }
        ConsumerGroup.Claimed claimed =
                group.claimStale(claimCursor, config.claimMinIdle(), Math.min(room, config.batchSize()));
        claimCursor = claimed.nextCursor() == null ? "0-0" : claimed.nextCursor();
        List<StreamEntry> fresh =
                claimed.entries().stream().filter(e -> !sink.holds(e.id())).toList();
        if (!fresh.isEmpty()) {
            Log.infof(
                    "consumer '%s' took over %d entries left pending by a stopped consumer",
                    group.consumerName(), fresh.size());
            sink.accept(fresh);
        }
    }

    private void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(REDIS_RETRY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
