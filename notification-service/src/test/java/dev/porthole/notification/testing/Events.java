package dev.porthole.notification.testing;

import dev.porthole.protocol.event.EventCodec;
import dev.porthole.protocol.event.EventEnvelope;
import dev.porthole.protocol.event.PortholeEvent;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.XAddArgs;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Writes events to {@code porthole:events} exactly as producers do: XADD ... MAXLEN ~ 100000 * event JSON. */
@Singleton
public final class Events {

    public static final String STREAM = "porthole:events";
    public static final String DEAD = "porthole:events:dead";

    private final RedisDataSource redis;

    public Events(RedisDataSource redis) {
        this.redis = redis;
    }

    public String append(PortholeEvent event) {
        return append(envelope(event));
    }

    public String append(EventEnvelope envelope) {
        return appendFields(Map.of(EventCodec.STREAM_FIELD, EventCodec.toJson(envelope)));
    }

    public String appendFields(Map<String, String> fields) {
        return redis.stream(String.class, String.class, String.class)
                .xadd(STREAM, new XAddArgs().maxlen(100_000L).nearlyExactTrimming(), fields);
    }

    /** Appends all in one transaction, so that the consumer sees them at once. */
    public void appendAll(List<? extends PortholeEvent> events) {
        redis.withTransaction(tx -> {
            for (PortholeEvent event : events) {
                tx.stream(String.class, String.class, String.class)
                        .xadd(
                                STREAM,
                                new XAddArgs().maxlen(100_000L).nearlyExactTrimming(),
                                Map.of(EventCodec.STREAM_FIELD, EventCodec.toJson(envelope(event))));
            }
        });
    }

    public static EventEnvelope envelope(PortholeEvent event) {
        return new EventEnvelope(UUID.randomUUID().toString(), Instant.now(), "gateway/test", event);
    }

    public static PortholeEvent.ClientCreated clientCreated(String clientId) {
        return new PortholeEvent.ClientCreated(clientId, "admin");
    }

    public static PortholeEvent.TunnelClosed tunnelClosed(String clientId, String name) {
        return new PortholeEvent.TunnelClosed("gw-1", "s-1", clientId, "http", name, "agent went away");
    }

    public static PortholeEvent.TunnelOpened tunnelOpened(String clientId, String name) {
        return new PortholeEvent.TunnelOpened(
                "gw-1", "s-1", clientId, "http", name, "http://" + name + ".example.test");
    }

    public static PortholeEvent.AuthFailed authFailed(String clientId) {
        return new PortholeEvent.AuthFailed(clientId, "203.0.113.7", "bad secret", 5, 60);
    }
}
