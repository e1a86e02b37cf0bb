package dev.porthole.notification.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/**
 * A dead letter as the admin API shows it.
 *
 * @param id id in the dead-letter stream, used to replay or delete it
 * @param kind malformed, rejected or exhausted
 * @param reason what happened
 * @param channel the channel it failed on (null for malformed entries)
 * @param sourceId the entry's id in the events stream
 * @param attempts delivery attempts made
 * @param at when it was dead-lettered
 * @param consumer the replica that dead-lettered it
 * @param replayable whether POST .../replay can send it again
 * @param event the event as JSON (for malformed entries the raw text, if it was not JSON)
 * @param raw for malformed entries, every field of the entry
 */
public record DeadLetterView(
        String id,
        String kind,
        String reason,
        String channel,
        String sourceId,
        int attempts,
        String at,
        String consumer,
        boolean replayable,
        JsonNode event,
        Map<String, String> raw) {

    static DeadLetterView of(DeadLetter letter, ObjectMapper mapper) {
        JsonNode event = letter.event()
                .map(text -> {
                    try {
                        return mapper.readTree(text);
                    } catch (Exception e) {
                        return mapper.getNodeFactory().textNode(text);
                    }
                })
                .orElse(null);
        return new DeadLetterView(
                letter.id().orElse(null),
                letter.kind().wireName(),
                letter.reason(),
                letter.channelId().orElse(null),
                letter.sourceId(),
                letter.attempts(),
                letter.at().toString(),
                letter.consumer(),
                letter.replayable(),
                event,
                letter.rawFields().isEmpty() ? null : letter.rawFields());
    }
}
