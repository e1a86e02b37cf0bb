package dev.porthole.notification.deadletter;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An event (or a stream entry that is not one) that could not be delivered, and why.
 *
 * @param id its id in the dead-letter stream; empty before it is written
 * @param kind why it is here
 * @param reason what happened, without URLs or secrets
 * @param channelId the channel it failed on (absent for malformed entries)
 * @param sourceId the entry's id in {@code <prefix>events}
 * @param attempts delivery attempts made
 * @param event the event JSON (for malformed entries: the raw {@code event} field, if any)
 * @param rawFields for malformed entries, every field of the entry as it was
 * @param at when it was dead-lettered
 * @param consumer the replica that dead-lettered it
 */
public record DeadLetter(
        Optional<String> id,
        Kind kind,
        String reason,
        Optional<String> channelId,
        String sourceId,
        int attempts,
        Optional<String> event,
        Map<String, String> rawFields,
        Instant at,
        String consumer) {

    /** Why an entry is a dead letter. */
    public enum Kind {
        /** Not a valid event of a version this build reads. */
        MALFORMED,
        /** The chat service refused it for good. */
        REJECTED,
        /** Every attempt failed with a passing error. */
        EXHAUSTED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public DeadLetter {
        rawFields = Map.copyOf(new LinkedHashMap<>(rawFields));
    }

    /** Only events that failed on a channel can be replayed; a malformed entry would fail again. */
    public boolean replayable() {
        return kind != Kind.MALFORMED && channelId.isPresent() && event.isPresent();
    }
}
