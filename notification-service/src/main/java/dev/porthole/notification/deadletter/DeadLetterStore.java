package dev.porthole.notification.deadletter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porthole.notification.config.NotificationConfig;
import dev.porthole.notification.config.RedisKeys;
import dev.porthole.notification.stream.StreamEntry;
import dev.porthole.protocol.event.EventCodec;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.redis.datasource.stream.XAddArgs;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dead-letter stream {@code <prefix>events:dead}: written when an entry is malformed or a
 * delivery fails for good, trimmed exactly to {@code porthole.notify.dead-letters.max-len}, listed
 * and replayed over the admin API.
 */
@ApplicationScoped
public class DeadLetterStore {

    /** Producers cap the events stream at about this many entries; replays keep to it. */
    static final long EVENTS_MAX_LEN = 100_000;

    private final RedisDataSource redis;
    private final RedisKeys keys;
    private final ObjectMapper mapper;
    private final long maxLen;

    public DeadLetterStore(RedisDataSource redis, RedisKeys keys, ObjectMapper mapper, NotificationConfig config) {
        this.redis = redis;
        this.keys = keys;
        this.mapper = mapper;
        this.maxLen = config.notification().deadLetters().maxLen();
    }

    /** Appends a dead letter; returns its id. */
    public String write(DeadLetter letter) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("kind", letter.kind().wireName());
        fields.put("reason", letter.reason());
        fields.put("source-id", letter.sourceId());
        fields.put("attempts", Integer.toString(letter.attempts()));
        fields.put("at", letter.at().toString());
        fields.put("consumer", letter.consumer());
        letter.channelId().ifPresent(c -> fields.put("channel", c));
        letter.event().ifPresent(e -> fields.put("event", e));
        if (!letter.rawFields().isEmpty()) {
            fields.put("raw", json(letter.rawFields()));
        }
        // Exact trimming: the bound holds precisely, and dead letters are few enough for it to be cheap.
        return commands().xadd(keys.deadLetters(), new XAddArgs().maxlen(maxLen), fields);
    }

    /** The newest dead letters first. */
    public List<DeadLetter> newest(int limit) {
        return commands().xrevrange(keys.deadLetters(), StreamRange.of("+", "-"), limit).stream()
                .map(this::read)
                .toList();
    }

    public Optional<DeadLetter> find(String id) {
        List<StreamMessage<String, String, String>> found =
                commands().xrange(keys.deadLetters(), StreamRange.of(id, id), 1);
        return found.isEmpty() ? Optional.empty() : Optional.of(read(found.getFirst()));
    }

    public boolean delete(String id) {
        return commands().xdel(keys.deadLetters(), id) > 0;
    }

    public long size() {
        return commands().xlen(keys.deadLetters());
    }

    /**
     * Puts the event back on {@code <prefix>events}, addressed to its channel only, then removes the
     * dead letter; returns the new entry's id. Two commands, not a transaction: the two streams live
     * in different slots of a Redis Cluster. A failure between them keeps the letter, so a second
     * replay may deliver the event twice; none loses it.
     */
    public String replay(DeadLetter letter) {
        if (!letter.replayable() || letter.id().isEmpty()) {
            throw new IllegalArgumentException("dead letter is not replayable");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(EventCodec.STREAM_FIELD, letter.event().get());
        fields.put(StreamEntry.CHANNEL_FIELD, letter.channelId().get());
        fields.put(StreamEntry.REPLAY_OF_FIELD, letter.id().get());
        String entry = commands()
                .xadd(keys.events(), new XAddArgs().maxlen(EVENTS_MAX_LEN).nearlyExactTrimming(), fields);
        commands().xdel(keys.deadLetters(), letter.id().get());
        return entry;
    }

    private DeadLetter read(StreamMessage<String, String, String> message) {
        Map<String, String> f = message.payload();
        DeadLetter.Kind kind;
        try {
            kind = DeadLetter.Kind.valueOf(f.getOrDefault("kind", "malformed").toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            kind = DeadLetter.Kind.MALFORMED;
        }
        Instant at;
        try {
            at = Instant.parse(f.getOrDefault("at", Instant.EPOCH.toString()));
        } catch (DateTimeParseException e) {
            at = Instant.EPOCH;
        }
        int attempts;
        try {
            attempts = Integer.parseInt(f.getOrDefault("attempts", "0"));
        } catch (NumberFormatException e) {
            attempts = 0;
        }
        return new DeadLetter(
                Optional.of(message.id()),
                kind,
                f.getOrDefault("reason", ""),
                Optional.ofNullable(f.get("channel")),
                f.getOrDefault("source-id", ""),
                attempts,
                Optional.ofNullable(f.get("event")),
                rawFields(f.get("raw")),
                at,
                f.getOrDefault("consumer", ""));
    }

    private Map<String, String> rawFields(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return mapper.readValue(json, new TypeReference<LinkedHashMap<String, String>>() {});
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    private String json(Map<String, String> fields) {
        try {
            return mapper.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write fields", e);
        }
    }

    private StreamCommands<String, String, String> commands() {
        return redis.stream(String.class, String.class, String.class);
    }
}
