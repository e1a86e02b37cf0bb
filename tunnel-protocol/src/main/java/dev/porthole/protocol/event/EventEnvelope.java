package dev.porthole.protocol.event;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An event with what every event carries: a unique id (for de-duplication), when it happened and
 * which service instance saw it.
 *
 * @param id unique id, a random UUID
 * @param occurredAt when it happened
 * @param source the emitting instance, for example {@code gateway/host-1}
 * @param event the event itself
 */
public record EventEnvelope(String id, Instant occurredAt, String source, PortholeEvent event) {

    public EventEnvelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(event, "event");
    }

    /** Wraps an event that happened now. */
    public static EventEnvelope now(String source, PortholeEvent event) {
        return new EventEnvelope(UUID.randomUUID().toString(), Instant.now(), source, event);
    }

    public EventType type() {
        return event.type();
    }
}
