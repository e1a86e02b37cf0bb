package dev.porthole.notification.delivery;

import dev.porthole.notification.channel.Channel;
import dev.porthole.notification.channel.ChannelRepository;
import dev.porthole.notification.config.NotificationConfig;
import dev.porthole.notification.deadletter.DeadLetter;
import dev.porthole.notification.message.MessageRenderer;
import dev.porthole.notification.metrics.NotificationMetrics;
import dev.porthole.notification.provider.Providers;
import dev.porthole.notification.provider.WebhookClient;
import dev.porthole.notification.stream.ConsumerGroup;
import dev.porthole.notification.stream.EntrySink;
import dev.porthole.notification.stream.StreamEntry;
import dev.porthole.protocol.event.EventCodec;
import dev.porthole.protocol.event.EventEnvelope;
import dev.porthole.protocol.event.MalformedEventException;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Decides what becomes of each entry the consumer reads: a malformed entry goes to the
 * dead-letter stream; an event goes to every channel whose filter takes it (through flapping
 * suppression into the channel's lane), or is finished at once when none does; a replayed dead
 * letter goes to its one channel. Runs on the delivery loop.
 */
@ApplicationScoped
public class EventRouter implements EntrySink {

    private final InFlightEntries inFlight;
    private final DeliveryLoop loop;
    private final ChannelRepository channels;
    private final DeadLetterOutbox outbox;
    private final NotificationMetrics metrics;
    private final Clock clock;
    private final String consumer;
    private final LaneServices services;
    private final FlapGuard flaps;
    private final Map<String, ChannelLane> lanes = new HashMap<>();
    private final RequestsOnTheWire sending = new RequestsOnTheWire();
    private final Duration requestTimeout;
    private volatile List<Channel> lastChannels;
    private Instant nextIdleRefresh = Instant.EPOCH;

    private static final Duration IDLE_REFRESH = Duration.ofSeconds(5);

    public EventRouter(
            InFlightEntries inFlight,
            DeliveryLoop loop,
            ChannelRepository channels,
            DeadLetterOutbox outbox,
            NotificationMetrics metrics,
            Clock clock,
            ConsumerGroup group,
            NotificationConfig config,
            RateLimiter limiter,
            WebhookClient client,
            Providers providers) {
        this.inFlight = inFlight;
        this.loop = loop;
        this.channels = channels;
        this.outbox = outbox;
        this.metrics = metrics;
        this.clock = clock;
        this.consumer = group.consumerName();
        MessageRenderer renderer = new MessageRenderer();
        NotificationConfig.Delivery delivery = config.notification().delivery();
        this.requestTimeout = delivery.timeout();
        this.services = new LaneServices(
                limiter,
                client,
                providers,
                renderer,
                inFlight,
                outbox,
                metrics,
                loop,
                Backoff.from(delivery),
                delivery.maxAttempts(),
                consumer,
                clock,
                () -> ThreadLocalRandom.current().nextDouble(),
                sending);
        this.flaps = new FlapGuard(
                config.notification().flapping().window(),
                config.notification().flapping().maxTracked(),
                loop,
                renderer,
                metrics);
    }

    @Override
    public int freeSlots() {
        return inFlight.freeSlots();
    }

    @Override
    public boolean awaitFreeSlot(Duration max) throws InterruptedException {
        return inFlight.awaitFreeSlot(max);
    }

    @Override
    public boolean holds(String entryId) {
        return inFlight.holds(entryId);
    }

    @Override
    public Set<String> held() {
        return inFlight.ids();
    }

    @Override
    public void lost(Collection<String> entryIds) {
        List<String> ids = List.copyOf(entryIds);
        loop.execute(() -> inFlight.lost(ids));
    }

    /** Consumer thread: loads the channels, then routes on the loop. */
    @Override
    public void accept(List<StreamEntry> entries) {
        List<Channel> current = loadChannels();
        inFlight.reserve(entries.stream().map(StreamEntry::id).toList());
        loop.execute(() -> route(entries, current));
    }

    /** Consumer thread, when nothing was read: applies channel changes to waiting messages, at most every few seconds. */
    @Override
    public void idle() {
        Instant now = clock.instant();
        if (now.isBefore(nextIdleRefresh)) {
            return;
        }
        nextIdleRefresh = now.plus(IDLE_REFRESH);
        List<Channel> current = loadChannels();
        loop.execute(() -> updateLanes(current));
    }

    private List<Channel> loadChannels() {
        try {
            List<Channel> current = channels.all();
            lastChannels = current;
            return current;
        } catch (RuntimeException e) {
            if (lastChannels == null) {
                throw e;
            }
            Log.warnf("cannot load channels (%s); using the last ones read", e.getMessage());
            return lastChannels;
        }
    }

    private void route(List<StreamEntry> entries, List<Channel> current) {
        updateLanes(current);
        for (StreamEntry entry : entries) {
            if (entry.trimmed()) {
                Log.infof("entry %s was trimmed from the stream before it was delivered; acknowledging it", entry.id());
                metrics.entryRead("trimmed");
                inFlight.routed(entry.id(), 0);
                continue;
            }
            EventEnvelope envelope;
            try {
                envelope = EventCodec.fromJson(entry.fields().get(EventCodec.STREAM_FIELD));
            } catch (MalformedEventException e) {
                malformed(entry, e.getMessage());
                continue;
            }
            String target = entry.fields().get(StreamEntry.CHANNEL_FIELD);
            if (target != null) {
                replay(entry, envelope, target);
                continue;
            }
            List<ChannelLane> matching = lanes.values().stream()
                    .filter(l -> l.channel().filter().matches(envelope))
                    .toList();
            inFlight.routed(entry.id(), matching.size());
            metrics.entryRead(matching.isEmpty() ? "filtered" : "routed");
            for (ChannelLane lane : matching) {
                flaps.offer(new Delivery(entry.id(), envelope, lane.channel().id()), this::toLane);
            }
        }
    }

    private void replay(StreamEntry entry, EventEnvelope envelope, String channelId) {
        metrics.entryRead("replay");
        ChannelLane lane = lanes.get(channelId);
        if (lane == null) {
            Log.infof(
                    "replayed entry %s is for channel %s, which no longer exists; acknowledging it",
                    entry.id(), channelId);
            inFlight.routed(entry.id(), 0);
            return;
        }
        inFlight.routed(entry.id(), 1);
        lane.offer(new Parcel.Single(new Delivery(entry.id(), envelope, channelId)));
    }

    private void malformed(StreamEntry entry, String reason) {
        Log.warnf(
                "entry %s of the events stream is not a valid event (%s); moving it to the dead-letter stream",
                entry.id(), reason);
        metrics.entryRead("malformed");
        inFlight.routed(entry.id(), 1);
        DeadLetter letter = new DeadLetter(
                Optional.empty(),
                DeadLetter.Kind.MALFORMED,
                reason,
                Optional.empty(),
                entry.id(),
                0,
                Optional.ofNullable(entry.fields().get(EventCodec.STREAM_FIELD)),
                entry.fields(),
                clock.instant(),
                consumer);
        outbox.write(letter, () -> inFlight.done(entry.id()));
    }

    private void toLane(Parcel parcel) {
        String channelId = parcel.deliveries().getFirst().channelId();
        ChannelLane lane = lanes.get(channelId);
        if (lane == null) {
            parcel.deliveries().forEach(d -> inFlight.done(d.entryId()));
            return;
        }
        lane.offer(parcel);
    }

    private void updateLanes(List<Channel> current) {
        Set<String> ids = new HashSet<>();
        for (Channel channel : current) {
            ids.add(channel.id());
            ChannelLane lane = lanes.get(channel.id());
            if (lane == null) {
                lanes.put(channel.id(), new ChannelLane(channel, services));
            } else {
                lane.update(channel);
            }
        }
        lanes.entrySet().removeIf(e -> {
            if (ids.contains(e.getKey())) {
                return false;
            }
            e.getValue().close();
            return true;
        });
    }

    /**
     * Lets requests on the wire finish and their entries be acknowledged before the service stops;
     * starts no new ones. Everything not sent stays pending in Redis for the restart or another replica.
     */
    void drain(@Observes @Priority(20) ShutdownEvent event) {
        loop.beginStop();
        try {
            if (!sending.awaitNone(requestTimeout.plusSeconds(1))) {
                Log.warn(
                        "stopping with webhook requests still unanswered; their events stay pending and are delivered again");
            }
            loop.call(() -> true).get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            Log.warnf("delivery loop did not finish while stopping: %s", e.getMessage());
        } finally {
            loop.shutdown();
        }
    }
}
