package dev.porthole.notification.delivery;

import dev.porthole.notification.channel.Channel;
import dev.porthole.notification.deadletter.DeadLetter;
import dev.porthole.notification.message.Message;
import dev.porthole.notification.provider.NotificationProvider;
import dev.porthole.notification.provider.Verdict;
import dev.porthole.notification.provider.WebhookRequest;
import dev.porthole.protocol.event.EventCodec;
import dev.porthole.protocol.event.EventEnvelope;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;

/**
 * One channel's sending lane, driven by the delivery loop. It sends one message at a time, each
 * with a permit from the channel's rate limit. Events that arrive while no permit is left wait;
 * when the next permit comes, all of them go out as one summary message ("37 more events: ..."),
 * so a burst is merged, never dropped. A message that fails with a passing error keeps its place
 * and is retried with backoff (new events queue behind it); after the last attempt, or on a final
 * refusal, each of its events goes to the dead-letter stream.
 */
final class ChannelLane {

    /** What a message stands for, for logs and metrics. */
    enum Kind {
        EVENT,
        FLAPPING,
        SUMMARY
    }

    private static final Duration LIMITER_UNAVAILABLE_WAIT = Duration.ofSeconds(1);

    private final LaneServices s;
    private final Deque<Parcel> queue = new ArrayDeque<>();
    private Channel channel;
    private Outgoing current;
    private boolean throttled;
    private ScheduledFuture<?> timer;
    private boolean closed;

    /** The message being sent or waiting for its next attempt. */
    private static final class Outgoing {
        final List<Delivery> deliveries;
        final Message message;
        final Kind kind;
        int attempts;
        boolean onTheWire;

        Outgoing(List<Delivery> deliveries, Message message, Kind kind) {
            this.deliveries = deliveries;
            this.message = message;
            this.kind = kind;
        }
    }

    ChannelLane(Channel channel, LaneServices services) {
        this.channel = channel;
        this.s = services;
    }

    void update(Channel latest) {
        this.channel = latest;
    }

    Channel channel() {
        return channel;
    }

    /** Whether a request is on the wire now. */
    boolean sending() {
        return current != null && current.onTheWire;
    }

    void offer(Parcel parcel) {
        if (closed) {
            parcel.deliveries().forEach(d -> s.inFlight().done(d.entryId()));
            return;
        }
        queue.add(parcel);
        pump();
    }

    /** The channel was deleted: its waiting events are finished without delivery. */
    void close() {
        closed = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        int dropped = 0;
        for (Parcel parcel : queue) {
            for (Delivery d : parcel.deliveries()) {
                s.inFlight().done(d.entryId());
                dropped++;
            }
        }
        queue.clear();
        if (current != null && !current.onTheWire) {
            dropped += current.deliveries.size();
            finish(current, null);
        }
        if (dropped > 0) {
            Log.infof("channel %s was deleted; %d waiting event(s) will not be sent to it", channel.id(), dropped);
        }
    }

    private void pump() {
        if (closed || current != null || timer != null || s.loop().stopping()) {
            return;
        }
        dropLost();
        if (queue.isEmpty()) {
            throttled = false;
            return;
        }
        RateLimiter.Permit permit = acquire();
        if (!permit.granted()) {
            throttled = true;
            timer = s.loop()
                    .schedule(
                            () -> {
                                timer = null;
                                pump();
                            },
                            permit.retryIn());
            return;
        }
        if (throttled && queue.size() > 1) {
            List<Delivery> merged = new ArrayList<>();
            queue.forEach(p -> merged.addAll(p.deliveries()));
            queue.clear();
            List<EventEnvelope> events = merged.stream().map(Delivery::envelope).toList();
            current = new Outgoing(merged, s.renderer().summary(events), Kind.SUMMARY);
        } else {
            Parcel parcel = queue.poll();
            current = new Outgoing(
                    parcel.deliveries(),
                    parcel.message(s.renderer(), channel),
                    parcel instanceof Parcel.Flapping ? Kind.FLAPPING : Kind.EVENT);
        }
        throttled = false;
        send();
    }

    private RateLimiter.Permit acquire() {
        try {
            return s.limiter().tryAcquire(channel);
        } catch (RuntimeException e) {
            Log.warnf(
                    "channel %s: rate limit state unavailable (%s); waiting %ss",
                    channel.id(), e.getMessage(), LIMITER_UNAVAILABLE_WAIT.toSeconds());
            return RateLimiter.Permit.notBefore(LIMITER_UNAVAILABLE_WAIT);
        }
    }

    private void send() {
        Outgoing out = current;
        out.attempts++;
        NotificationProvider provider = s.providers().of(channel.provider());
        WebhookRequest request;
        try {
            request = provider.request(channel.webhook(), out.message);
        } catch (RuntimeException e) {
            onVerdict(
                    out,
                    Verdict.rejected("cannot build the request (" + e.getClass().getSimpleName() + ")"));
            return;
        }
        out.onTheWire = true;
        s.sending().enter();
        s.client()
                .send(provider, request)
                .whenComplete((verdict, failure) -> s.loop().execute(() -> {
                    try {
                        out.onTheWire = false;
                        onVerdict(out, verdict != null ? verdict : Verdict.retry("request failed"));
                    } finally {
                        s.sending().leave();
                    }
                }));
    }

    private void onVerdict(Outgoing out, Verdict verdict) {
        s.metrics().attempt(channel.provider(), verdict.outcome());
        if (closed) {
            finish(out, null);
            return;
        }
        switch (verdict) {
            case Verdict.Delivered d -> {
                Log.infof(
                        "channel %s: delivered %s (%d event(s), attempt %d)",
                        channel.id(), describe(out), out.deliveries.size(), out.attempts);
                if (out.kind == Kind.SUMMARY) {
                    s.metrics().summaryDelivered(channel.provider(), out.deliveries.size());
                } else if (out.kind == Kind.FLAPPING) {
                    s.metrics().flappingSuppressed(out.deliveries.size() - 1);
                }
                finish(out, null);
            }
            case Verdict.Rejected r -> {
                Log.warnf(
                        "channel %s: %s refused %s: %s",
                        channel.id(), channel.provider().wireName(), describe(out), r.reason());
                finish(
                        out,
                        new Failure(
                                DeadLetter.Kind.REJECTED,
                                channel.provider().wireName() + " refused it: " + r.reason()));
            }
            case Verdict.Retry r
            when out.attempts >= s.maxAttempts() -> {
                Log.warnf(
                        "channel %s: giving up on %s after %d attempts: %s",
                        channel.id(), describe(out), out.attempts, r.reason());
                finish(
                        out,
                        new Failure(
                                DeadLetter.Kind.EXHAUSTED,
                                "gave up after " + out.attempts + " attempts: " + r.reason()));
            }
            case Verdict.Retry r -> {
                Duration delay = s.backoff().delay(out.attempts, r, s.random());
                s.metrics().retryScheduled(channel.provider());
                Log.infof(
                        "channel %s: attempt %d of %s failed (%s); retrying in %dms",
                        channel.id(), out.attempts, describe(out), r.reason(), delay.toMillis());
                timer = s.loop().schedule(this::retry, delay);
            }
        }
    }

    private void retry() {
        timer = null;
        if (closed || current == null || s.loop().stopping()) {
            return;
        }
        RateLimiter.Permit permit = acquire();
        if (!permit.granted()) {
            timer = s.loop().schedule(this::retry, permit.retryIn());
            return;
        }
        send();
    }

    private record Failure(DeadLetter.Kind kind, String reason) {}

    /** Finishes every delivery of the message: acknowledged now, or after its dead letter is written. */
    private void finish(Outgoing out, Failure failure) {
        if (current == out) {
            current = null;
        }
        for (Delivery d : out.deliveries) {
            if (failure == null) {
                s.inFlight().done(d.entryId());
            } else {
                DeadLetter letter = new DeadLetter(
                        Optional.empty(),
                        failure.kind(),
                        failure.reason(),
                        Optional.of(channel.id()),
                        d.entryId(),
                        out.attempts,
                        Optional.of(EventCodec.toJson(d.envelope())),
                        Map.of(),
                        s.clock().instant(),
                        s.consumer());
                s.outbox().write(letter, () -> s.inFlight().done(d.entryId()));
            }
        }
        pump();
    }

    /** Entries another consumer took over are not this replica's to deliver. */
    private void dropLost() {
        Iterator<Parcel> it = queue.iterator();
        List<Parcel> trimmed = new ArrayList<>();
        while (it.hasNext()) {
            Parcel parcel = it.next();
            List<Delivery> kept = new ArrayList<>();
            for (Delivery d : parcel.deliveries()) {
                if (s.inFlight().isLost(d.entryId())) {
                    s.inFlight().done(d.entryId());
                } else {
                    kept.add(d);
                }
            }
            if (kept.size() != parcel.deliveries().size()) {
                it.remove();
                if (!kept.isEmpty()) {
                    trimmed.add(
                            kept.size() == 1
                                    ? new Parcel.Single(kept.getFirst())
                                    : new Parcel.Flapping(kept, parcel.message(s.renderer(), channel)));
                }
            }
        }
        queue.addAll(trimmed);
    }

    private static String describe(Outgoing out) {
        return switch (out.kind) {
            case EVENT ->
                "event " + out.deliveries.getFirst().envelope().type().wireName() + " "
                        + out.deliveries.getFirst().envelope().id();
            case FLAPPING -> "flapping report";
            case SUMMARY -> "summary";
        };
    }
}
