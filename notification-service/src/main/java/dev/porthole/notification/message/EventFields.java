package dev.porthole.notification.message;

import dev.porthole.protocol.event.EventEnvelope;
import dev.porthole.protocol.event.EventType;
import dev.porthole.protocol.event.PortholeEvent;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The named values of an event: the envelope's ({@code id}, {@code type}, {@code severity},
 * {@code source}, {@code at}) and the event record's components, by component name. Templates and
 * detail lines read them, so a new event field shows up without code here.
 */
public final class EventFields {

    /** Names every envelope has. */
    public static final Set<String> ENVELOPE_NAMES = Set.of("id", "type", "severity", "source", "at");

    private static final Set<String> KNOWN_NAMES = knownNamesOfAllTypes();

    private EventFields() {}

    /** Every name a template may use: envelope names and the components of every event record. */
    public static Set<String> knownNames() {
        return KNOWN_NAMES;
    }

    /** The event record's components and their values (null values kept), in declaration order. */
    public static Map<String, Object> data(PortholeEvent event) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (RecordComponent component : event.getClass().getRecordComponents()) {
            try {
                values.put(component.getName(), component.getAccessor().invoke(event));
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException(
                        "cannot read " + component.getName() + " of "
                                + event.getClass().getSimpleName(),
                        e);
            }
        }
        return values;
    }

    /** Envelope names and data components together. */
    public static Map<String, Object> all(EventEnvelope envelope) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("id", envelope.id());
        values.put("type", envelope.type().wireName());
        values.put("severity", envelope.event().severity().name());
        values.put("source", envelope.source());
        values.put("at", envelope.occurredAt().toString());
        values.putAll(data(envelope.event()));
        return values;
    }

    private static Set<String> knownNamesOfAllTypes() {
        Set<String> names = new LinkedHashSet<>(ENVELOPE_NAMES);
        for (EventType type : EventType.values()) {
            for (RecordComponent component : type.recordType().getRecordComponents()) {
                names.add(component.getName());
            }
        }
        return Collections.unmodifiableSet(names);
    }
}
