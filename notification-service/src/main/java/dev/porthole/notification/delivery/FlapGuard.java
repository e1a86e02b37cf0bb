package dev.porthole.notification.delivery;

import dev.porthole.notification.message.MessageRenderer;
import dev.porthole.notification.metrics.NotificationMetrics;
import dev.porthole.protocol.event.EventEnvelope;
import dev.porthole.protocol.event.PortholeEvent;
import dev.porthole.protocol.event.PortholeEvent.AgentConnected;
import dev.porthole.protocol.event.PortholeEvent.AgentDisconnected;
import dev.porthole.protocol.event.PortholeEvent.TunnelClosed;
import dev.porthole.protocol.event.PortholeEvent.TunnelOpened;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Flapping suppression, per channel. A tunnel closed (or an agent disconnected) is held for the
 * window; every later change of the same tunnel name (or client) within it joins the hold. When
 * the window ends, a lone event goes out as itself, several go out as one flapping report. An
 * "up" event with nothing held passes at once. At most {@code maxTracked} holds exist; beyond
 * that, events pass unsuppressed rather than wait for room.
 */
final class FlapGuard {

    private final Duration window;
    private final int maxTracked;
    private final DeliveryLoop loop;
    private final MessageRenderer renderer;
    private final NotificationMetrics metrics;
    private final Map<String, Hold> holds = new HashMap<>();

    /** What a flapping event is about. */
    record Subject(String key, String display, boolean down, String downType) {}

    private static final class Hold {
        final Subject subject;
        final List<Delivery> deliveries = new ArrayList<>();

        Hold(Subject subject) {
            this.subject = subject;
        }
    }

    FlapGuard(
            Duration window, int maxTracked, DeliveryLoop loop, MessageRenderer renderer, NotificationMetrics metrics) {
        this.window = window;
        this.maxTracked = maxTracked;
        this.loop = loop;
        this.renderer = renderer;
        this.metrics = metrics;
    }

    /** Holds the delivery or passes it on to {@code forward}. */
    void offer(Delivery delivery, Consumer<Parcel> forward) {
        Optional<Subject> subject =
                window.isZero() ? Optional.empty() : subject(delivery.envelope().event());
        if (subject.isEmpty()) {
            forward.accept(new Parcel.Single(delivery));
            return;
        }
        String key = delivery.channelId() + "|" + subject.get().key();
        Hold hold = holds.get(key);
        if (hold != null) {
            hold.deliveries.add(delivery);
            return;
        }
        if (!subject.get().down()) {
            forward.accept(new Parcel.Single(delivery));
            return;
        }
        if (holds.size() >= maxTracked) {
            metrics.flappingUntracked();
            forward.accept(new Parcel.Single(delivery));
            return;
        }
        Hold created = new Hold(subject.get());
        created.deliveries.add(delivery);
        holds.put(key, created);
        loop.schedule(() -> release(key, forward), window);
    }

    /** Holds open now. */
    int size() {
        return holds.size();
    }

    private void release(String key, Consumer<Parcel> forward) {
        Hold hold = holds.remove(key);
        if (hold == null || loop.stopping()) {
            return;
        }
        if (hold.deliveries.size() == 1) {
            forward.accept(new Parcel.Single(hold.deliveries.getFirst()));
            return;
        }
        List<EventEnvelope> events =
                hold.deliveries.stream().map(Delivery::envelope).toList();
        boolean upNow = !subject(events.getLast().event()).map(Subject::down).orElse(true);
        forward.accept(new Parcel.Flapping(
                hold.deliveries,
                renderer.flapping(hold.subject.display(), events, hold.subject.downType(), window, upNow)));
    }

    static Optional<Subject> subject(PortholeEvent event) {
        return switch (event) {
            case TunnelClosed t when t.name() != null -> Optional.of(tunnel(t.kind(), t.name(), true));
            case TunnelOpened t when t.name() != null -> Optional.of(tunnel(t.kind(), t.name(), false));
            case AgentDisconnected a when a.clientId() != null -> Optional.of(agent(a.clientId(), true));
            case AgentConnected a when a.clientId() != null -> Optional.of(agent(a.clientId(), false));
            default -> Optional.empty();
        };
    }

    private static Subject tunnel(String kind, String name, boolean down) {
        String k = kind == null ? "" : kind;
        return new Subject(
                "tunnel:" + k + ":" + name, ("Tunnel " + k + " " + name).replace("  ", " "), down, "tunnel.closed");
    }

    private static Subject agent(String clientId, boolean down) {
        return new Subject("agent:" + clientId, "Agent of client " + clientId, down, "agent.disconnected");
    }
}
