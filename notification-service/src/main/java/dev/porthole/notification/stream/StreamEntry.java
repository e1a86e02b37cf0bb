package dev.porthole.notification.stream;

import java.util.Map;

/**
 * One entry of the events stream as read: its id and its fields ({@code event} holds the JSON;
 * a replayed dead letter also carries {@code channel} and {@code replay-of}).
 *
 * @param id the stream entry id, for example {@code 1700000000000-0}
 * @param fields the entry's fields; empty when the entry was trimmed from the stream while pending
 */
public record StreamEntry(String id, Map<String, String> fields) {

    /** Field naming the only channel a replayed entry goes to. */
    public static final String CHANNEL_FIELD = "channel";

    /** Field naming the dead letter a replayed entry came from. */
    public static final String REPLAY_OF_FIELD = "replay-of";

    public StreamEntry {
        fields = fields == null ? Map.of() : Map.copyOf(fields);
    }

    /** True when the entry no longer exists in the stream (trimmed while it was pending). */
    public boolean trimmed() {
        return fields.isEmpty();
    }
}
