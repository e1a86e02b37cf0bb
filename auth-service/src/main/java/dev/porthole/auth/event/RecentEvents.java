package dev.porthole.auth.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porthole.auth.repository.RedisKeys;
import dev.porthole.protocol.event.EventCodec;
import dev.porthole.protocol.event.EventSentence;
import dev.porthole.protocol.event.MalformedEventException;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the newest entries of {@code <prefix>events} (every producer's events, not only
 * auth-service's), newest first, without touching notification-service's consumer group. A type
 * filter looks at no more than {@link #MAX_SCANNED} entries back.
 */
@ApplicationScoped
public class RecentEvents {

    /** Most stream entries one listing reads. */
    public static final int MAX_SCANNED = 5_000;

    /**
     * One stream entry.
     *
     * @param entryId the stream entry id
     * @param at when the event happened, as written
     * @param type the event type ({@code malformed} when the entry is not an event)
     * @param severity INFO, WARNING or CRITICAL
     * @param source the service instance that wrote it
     * @param client the client the event is about, or "" when it names none
     * @param sentence what the event says in one sentence ({@link EventSentence}), or "" when it is no event this version knows
     * @param data the event's fields as compact JSON
     */
    public record Entry(
            String entryId,
            String at,
            String type,
            String severity,
            String source,
            String client,
            String sentence,
            String data) {

        /** Whether this entry passes a filter; a blank filter passes everything. */
        public boolean matches(String wantedType, String wantedClient) {
            return (wantedType == null || wantedType.isBlank() || type.equals(wantedType))
                    && (wantedClient == null || wantedClient.isBlank() || client.equals(wantedClient));
        }
    }

    private final StreamCommands<String, String, String> stream;
    private final RedisKeys keys;
    private final ObjectMapper mapper;

    public RecentEvents(RedisDataSource redis, RedisKeys keys, ObjectMapper mapper) {
        this.stream = redis.stream(String.class);
        this.keys = keys;
        this.mapper = mapper;
    }

    /** The newest {@code limit} events, of {@code type} and about {@code client} when they are not blank. */
    public List<Entry> newest(int limit, String type, String client) {
        boolean filtered = type != null && !type.isBlank() || client != null && !client.isBlank();
        int batch = filtered ? MAX_SCANNED : limit;
        // XREVRANGE takes the upper bound first; the client passes the range on as given.
        List<StreamMessage<String, String, String>> messages =
                stream.xrevrange(keys.events(), StreamRange.of("+", "-"), batch);
        List<Entry> entries = new ArrayList<>();
        for (StreamMessage<String, String, String> message : messages) {
            Entry entry = entry(message);
            if (entry.matches(type, client)) {
                entries.add(entry);
                if (entries.size() == limit) {
                    break;
                }
            }
        }
        return entries;
    }

    /** The id of the newest entry in the stream, or {@code 0-0} when it is empty: where a live page starts following. */
    public String lastId() {
        List<StreamMessage<String, String, String>> newest =
                stream.xrevrange(keys.events(), StreamRange.of("+", "-"), 1);
        return newest.isEmpty() ? "0-0" : newest.getFirst().id();
    }

    /** At most {@code count} entries written after the entry {@code afterId}, oldest first. */
    public List<Entry> after(String afterId, int count) {
        return stream.xrange(keys.events(), StreamRange.of("(" + afterId, "+"), count).stream()
                .map(this::entry)
                .toList();
    }

    private Entry entry(StreamMessage<String, String, String> message) {
        String json = message.payload().get(EventCodec.STREAM_FIELD);
        try {
            JsonNode root = json == null ? null : mapper.readTree(json);
            if (root == null || !root.isObject()) {
                return malformed(message, json);
            }
            return new Entry(
                    message.id(),
                    root.path("at").asText(""),
                    root.path("type").asText("?"),
                    root.path("severity").asText(""),
                    root.path("source").asText(""),
                    root.path("data").path("clientId").asText(""),
                    sentence(json),
                    mapper.writeValueAsString(root.path("data")));
        } catch (IOException e) {
            return malformed(message, json);
        }
    }

    /** The event's sentence; an entry this version cannot read as an event (a newer type, say) has none. */
    private static String sentence(String json) {
        try {
            return EventSentence.of(EventCodec.fromJson(json).event()).text();
        } catch (MalformedEventException e) {
            return "";
        }
    }

    private static Entry malformed(StreamMessage<String, String, String> message, String json) {
        return new Entry(
                message.id(), "", "malformed", "", "", "", "", json == null ? String.valueOf(message.payload()) : json);
    }
}
