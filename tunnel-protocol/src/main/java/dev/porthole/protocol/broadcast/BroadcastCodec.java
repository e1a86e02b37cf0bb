package dev.porthole.protocol.broadcast;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads and writes control broadcasts as the flat JSON published on {@code <prefix>control}:
 *
 * <pre>{"v":1,"type":"client.disabled","clientId":"ci-runner"}</pre>
 *
 * {@code v} is the format version, {@code type} the discriminator ({@link BroadcastType#wireName()}),
 * and the record's components follow under their own names. Readers accept every version up to
 * {@link #VERSION} and ignore fields they do not know, so that a newer publisher does not break an
 * older gateway.
 */
public final class BroadcastCodec {

    /** The format version this build writes. */
    public static final int VERSION = 1;

    /** The channel name after the Redis key prefix: {@code <prefix>control}. */
    public static final String CHANNEL = "control";

    private static final ObjectMapper MAPPER =
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private BroadcastCodec() {}

    /** The channel for a key prefix, for example {@code porthole:control}. */
    public static String channel(String prefix) {
        return prefix + CHANNEL;
    }

    /** The JSON form of a broadcast. */
    public static String toJson(ControlBroadcast broadcast) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("v", VERSION);
        root.put("type", broadcast.type().wireName());
        ObjectNode fields = MAPPER.valueToTree(broadcast);
        root.setAll(fields);
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write broadcast " + broadcast, e);
        }
    }

    /** Parses the JSON form of a broadcast; anything else is a {@link MalformedBroadcastException} that says why. */
    public static ControlBroadcast fromJson(String json) throws MalformedBroadcastException {
        if (json == null) {
            throw new MalformedBroadcastException("empty message");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new MalformedBroadcastException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedBroadcastException("not a JSON object");
        }
        int version = root.path("v").asInt(-1);
        if (version < 1 || version > VERSION) {
            throw new MalformedBroadcastException(
                    "unsupported broadcast version " + root.path("v") + " (this build reads 1.." + VERSION + ")");
        }
        String typeName = root.path("type").asText("");
        BroadcastType type = BroadcastType.fromWireName(typeName)
                .orElseThrow(() -> new MalformedBroadcastException("unknown broadcast type '" + typeName + "'"));
        ObjectNode fields = ((ObjectNode) root).deepCopy();
        fields.remove("v");
        fields.remove("type");
        try {
            return MAPPER.treeToValue(fields, type.recordType());
        } catch (JsonProcessingException e) {
            throw new MalformedBroadcastException("bad fields for '" + typeName + "': " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new MalformedBroadcastException("bad fields for '" + typeName + "': " + e.getMessage(), e);
        }
    }
}
