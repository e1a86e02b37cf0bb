package dev.porthole.notification.channel;

import dev.porthole.protocol.event.EventEnvelope;
import dev.porthole.protocol.event.EventType;
import dev.porthole.protocol.event.Severity;
import java.util.Objects;
import java.util.Set;

/**
 * Which events a channel wants: some types (or all when the set is empty) at or above a severity.
 *
 * @param eventTypes types to deliver; empty means every type
 * @param minSeverity lowest severity delivered
 */
public record ChannelFilter(Set<EventType> eventTypes, Severity minSeverity) {

    public ChannelFilter {
        eventTypes = Set.copyOf(eventTypes);
        Objects.requireNonNull(minSeverity, "minSeverity");
    }

    /** Every event. */
    public static ChannelFilter all() {
        return new ChannelFilter(Set.of(), Severity.INFO);
    }

    public boolean matches(EventEnvelope envelope) {
        return (eventTypes.isEmpty() || eventTypes.contains(envelope.type()))
                && envelope.event().severity().atLeast(minSeverity);
    }
}
