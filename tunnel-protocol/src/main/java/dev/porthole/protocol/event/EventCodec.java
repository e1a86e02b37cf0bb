package dev.porthole.protocol.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Reads and writes events as versioned JSON, the form they take in the Redis Stream:
 *
 * <pre>{"v":1,"id":"…","type":"agent.connected","severity":"INFO","at":"2026-11-22T10:00:00Z","source":"gateway/a","data":{…}}</pre>
 *
 * Readers accept every version up to {@link #VERSION} and ignore fields they do not know, so that
 * a newer writer does not break an older reader.
 */
public final class EventCodec {

    /** The envelope version this build writes. */
    public static final int VERSION = 1;

    /** Field name of the JSON in a Redis Stream entry. */
    public static final String STREAM_FIELD = "event";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private EventCodec() {}

    /** The JSON form of an event. */
    public static String toJson(EventEnvelope envelope) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("v", VERSION);
        root.put("id", envelope.id());
        root.put("type", envelope.type().wireName());
        root.put("severity", envelope.event().severity().name());
        root.put("at", envelope.occurredAt().toString());
        root.put("source", envelope.source());
        root.set("data", MAPPER.valueToTree(envelope.event()));
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write event " + envelope, e);
        }
    }

    /** Parses the JSON form of an event; anything else is a {@link MalformedEventException} that says why. */
    public static EventEnvelope fromJson(String json) throws MalformedEventException {
        if (json == null) {
            throw new MalformedEventException("entry has no '" + STREAM_FIELD + "' field");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedEventException("not a JSON object");
        }
        int version = root.path("v").asInt(-1);
        if (version < 1 || version > VERSION) {
            throw new MalformedEventException(
                    "unsupported event version " + root.path("v") + " (this build reads 1.." + VERSION + ")");
        }
        String typeName = text(root, "type");
        EventType type = EventType.fromWireName(typeName)
                .orElseThrow(() -> new MalformedEventException("unknown event type '" + typeName + "'"));
        JsonNode data = root.get("data");
        if (data == null || !data.isObject()) {
            throw new MalformedEventException("event '" + typeName + "' has no data object");
        }
        try {
            PortholeEvent event = MAPPER.treeToValue(data, type.recordType());
            return new EventEnvelope(text(root, "id"), Instant.parse(text(root, "at")), text(root, "source"), event);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("bad data for '" + typeName + "': " + e.getOriginalMessage(), e);
        } catch (DateTimeParseException e) {
            throw new MalformedEventException("bad 'at' timestamp: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode root, String field) throws MalformedEventException {
        JsonNode node = root.get(field);
        if (node == null || !node.isTextual() || node.asText().isEmpty()) {
            throw new MalformedEventException("missing or empty '" + field + "'");
        }
        return node.asText();
    }
}
