package dev.porthole.notification.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porthole.notification.config.NotificationConfig;
import dev.porthole.notification.config.RedisKeys;
import dev.porthole.notification.message.MessageFormat;
import dev.porthole.notification.message.MessageTemplate;
import dev.porthole.notification.provider.ProviderKind;
import dev.porthole.protocol.event.EventType;
import dev.porthole.protocol.event.Severity;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.set.SetCommands;
import io.quarkus.redis.datasource.value.ValueCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Channels: the {@code default} channel from configuration, and those created over the admin API,
 * stored in Redis as JSON under {@code <prefix>notify:channel:<id>} with their ids in the set
 * {@code <prefix>notify:channels}. Every replica reads them from Redis, so a change made through
 * one replica applies to the next batch of events on every replica.
 */
@ApplicationScoped
public class ChannelRepository {

    private final RedisDataSource redis;
    private final RedisKeys keys;
    private final ObjectMapper mapper;
    private final Optional<Channel> defaultChannel;

    public ChannelRepository(RedisDataSource redis, RedisKeys keys, ObjectMapper mapper, NotificationConfig config) {
        this.redis = redis;
        this.keys = keys;
        this.mapper = mapper;
        this.defaultChannel = fromConfig(config.notification().defaultChannel());
    }

    /** The channel defined by configuration, if the provider and URL are set. */
    public Optional<Channel> defaultChannel() {
        return defaultChannel;
    }

    /** Every channel, the default first, then by id. */
    public List<Channel> all() {
        List<Channel> channels = new ArrayList<>();
        defaultChannel.ifPresent(channels::add);
        Set<String> ids = set().smembers(keys.channelIndex());
        if (!ids.isEmpty()) {
            Map<String, String> documents =
                    values().mget(ids.stream().map(keys::channel).toArray(String[]::new));
            documents.values().stream()
                    .filter(json -> json != null)
                    .map(this::read)
                    .flatMap(Optional::stream)
                    .sorted(Comparator.comparing(Channel::id))
                    .forEach(channels::add);
        }
        return channels;
    }

    public Optional<Channel> find(String id) {
        if (Channel.DEFAULT_ID.equals(id)) {
            return defaultChannel;
        }
        String json = values().get(keys.channel(id));
        return json == null ? Optional.empty() : read(json);
    }

    /** Channels stored in Redis (the default channel not counted). */
    public long storedCount() {
        return set().scard(keys.channelIndex());
    }

    /**
     * Creates or replaces a channel created over the API: the document, then its id in the index.
     * Two commands, not a transaction: the two keys live in different slots of a Redis Cluster. A
     * failure between them leaves a document no listing shows, which saving the channel again mends.
     */
    public void save(Channel channel) {
        if (channel.origin() != Channel.Origin.API) {
            throw new IllegalArgumentException("only API channels are stored");
        }
        values().set(keys.channel(channel.id()), write(channel));
        set().sadd(keys.channelIndex(), channel.id());
    }

    /** Deletes a channel created over the API; false when there was none. */
    public boolean delete(String id) {
        boolean existed = redis.key().del(keys.channel(id)) > 0;
        set().srem(keys.channelIndex(), id);
        return existed;
    }

    private ValueCommands<String, String> values() {
        return redis.value(String.class);
    }

    private SetCommands<String, String> set() {
        return redis.set(String.class);
    }

    private String write(Channel channel) {
        StoredChannel stored = new StoredChannel(
                channel.id(),
                channel.provider().wireName(),
                channel.url(),
                channel.secret().orElse(null),
                channel.filter().eventTypes().stream()
                        .map(EventType::wireName)
                        .sorted()
                        .toList(),
                channel.filter().minSeverity().name(),
                channel.template().map(MessageTemplate::text).orElse(null),
                channel.format().name());
        try {
            return mapper.writeValueAsString(stored);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write channel " + channel.id(), e);
        }
    }

    private Optional<Channel> read(String json) {
        try {
            StoredChannel stored = mapper.readValue(json, StoredChannel.class);
            Set<EventType> types = new LinkedHashSet<>();
            for (String name : stored.eventTypes() == null ? List.<String>of() : stored.eventTypes()) {
                EventType.fromWireName(name).ifPresent(types::add);
            }
            return Optional.of(new Channel(
                    stored.id(),
                    ProviderKind.fromWireName(stored.provider()).orElseThrow(),
                    stored.url(),
                    Optional.ofNullable(stored.secret()),
                    new ChannelFilter(types, Severity.valueOf(stored.minSeverity())),
                    Optional.ofNullable(stored.template()).map(MessageTemplate::new),
                    MessageFormat.valueOf(stored.format()),
                    Channel.Origin.API));
        } catch (JsonProcessingException | RuntimeException e) {
            // A document this build cannot read must not stop delivery to the other channels.
            Log.warnf(
                    "skipping a stored channel that cannot be read (%s)",
                    e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private static Optional<Channel> fromConfig(NotificationConfig.DefaultChannel config) {
        if (config.provider().isEmpty() || config.url().isEmpty()) {
            return Optional.empty();
        }
        Set<EventType> types = new LinkedHashSet<>();
        config.eventTypes()
                .orElse(List.of())
                .forEach(name -> EventType.fromWireName(name.trim()).ifPresent(types::add));
        return Optional.of(new Channel(
                Channel.DEFAULT_ID,
                config.provider().get(),
                config.url().get(),
                config.secret().filter(s -> !s.isBlank()),
                new ChannelFilter(types, config.minSeverity()),
                config.template().filter(t -> !t.isBlank()).map(MessageTemplate::new),
                config.format(),
                Channel.Origin.CONFIG));
    }

    /** The stored JSON form of a channel. */
    record StoredChannel(
            String id,
            String provider,
            String url,
            String secret,
            List<String> eventTypes,
            String minSeverity,
            String template,
            String format) {}
}
