package dev.porthole.notification.stream;

import dev.porthole.notification.config.NotificationConfig;
import dev.porthole.notification.config.RedisKeys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.ClaimedMessages;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * This replica's view of the consumer group on {@code <prefix>events}: reads new entries, re-reads
 * its own pending ones after a restart, takes over entries a dead consumer left pending
 * (XAUTOCLAIM), keeps its held entries claimed, and acknowledges.
 */
@ApplicationScoped
public class ConsumerGroup {

    /**
     * Resets the idle time of the given entries, but only of those still pending on this consumer;
     * returns the ids that are not (another consumer took them over, or they were acknowledged).
     * XCLAIM with min-idle 0 alone would steal entries back from a consumer that took them over.
     */
    static final String REFRESH_SCRIPT = """
            local lost = {}
            for i = 3, #ARGV do
              local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
              if #p == 1 and p[1][2] == ARGV[2] then
                redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
              else
                table.insert(lost, ARGV[i])
              end
            end
            return lost
            """;

    private final RedisDataSource redis;
    private final String stream;
    private final String group;
    private final String consumer;

    public ConsumerGroup(RedisDataSource redis, RedisKeys keys, NotificationConfig config) {
        this.redis = redis;
        this.stream = keys.events();
        this.group = config.notification().consumer().group();
        this.consumer = config.notification()
                .consumer()
                .name()
                .filter(n -> !n.isBlank())
                .orElseGet(ConsumerGroup::hostName);
    }

    public String consumerName() {
        return consumer;
    }

    public String streamKey() {
        return stream;
    }

    public String groupName() {
        return group;
    }

    /** Creates the group (and the stream) if missing; true when it was created now. */
    public boolean ensure(NotificationConfig.StartPosition startFrom) {
        try {
            commands()
                    .xgroupCreate(
                            stream,
                            group,
                            startFrom == NotificationConfig.StartPosition.LATEST ? "$" : "0",
                            new XGroupCreateArgs().mkstream());
            return true;
        } catch (RuntimeException e) {
            if (String.valueOf(e.getMessage()).contains("BUSYGROUP")) {
                return false;
            }
            throw e;
        }
    }

    /** New entries, waiting up to {@code block} for the first. */
    public List<StreamEntry> readNew(int count, Duration block) {
        return entries(commands()
                .xreadgroup(
                        group,
                        consumer,
                        stream,
                        ">",
                        new XReadGroupArgs().count(count).block(block)));
    }

    /** Entries pending on this consumer with ids after {@code afterId} ("0" for all), as after a restart. */
    public List<StreamEntry> readOwnPending(String afterId, int count) {
        return entries(commands().xreadgroup(group, consumer, stream, afterId, new XReadGroupArgs().count(count)));
    }

    /**
     * Takes over entries idle for at least {@code minIdle} on any consumer, scanning from
     * {@code cursor}; trimmed entries are dropped from the pending list by Redis itself.
     */
    public Claimed claimStale(String cursor, Duration minIdle, int count) {
        ClaimedMessages<String, String, String> claimed =
                commands().xautoclaim(stream, group, consumer, minIdle, cursor, count);
        return new Claimed(claimed.getId(), entries(claimed.getMessages()));
    }

    /** Result of one XAUTOCLAIM call. */
    public record Claimed(String nextCursor, List<StreamEntry> entries) {}

    public void ack(Collection<String> ids) {
        if (!ids.isEmpty()) {
            commands().xack(stream, group, ids.toArray(String[]::new));
        }
    }

    /** Keeps the given entries claimed by this consumer; returns those it no longer owns. */
    public List<String> refresh(Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<String> args = new ArrayList<>(List.of("EVAL", REFRESH_SCRIPT, "1", stream, group, consumer));
        args.addAll(ids);
        Response reply =
                redis.execute(args.getFirst(), args.subList(1, args.size()).toArray(String[]::new));
        List<String> lost = new ArrayList<>();
        if (reply != null) {
            for (Response id : reply) {
                lost.add(id.toString());
            }
        }
        return lost;
    }

    private StreamCommands<String, String, String> commands() {
        return redis.stream(String.class, String.class, String.class);
    }

    private static List<StreamEntry> entries(List<StreamMessage<String, String, String>> messages) {
        if (messages == null) {
            return List.of();
        }
        List<StreamEntry> entries = new ArrayList<>(messages.size());
        for (StreamMessage<String, String, String> m : messages) {
            entries.add(new StreamEntry(m.id(), m.payload()));
        }
        return entries;
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "notification-service";
        }
    }
}
