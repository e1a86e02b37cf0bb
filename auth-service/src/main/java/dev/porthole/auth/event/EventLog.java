package dev.porthole.auth.event;

import dev.porthole.auth.config.AuthConfig;
import dev.porthole.auth.repository.RedisKeys;
import dev.porthole.protocol.event.EventCodec;
import dev.porthole.protocol.event.EventEnvelope;
import dev.porthole.protocol.event.PortholeEvent;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.XAddArgs;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;

/**
 * Appends events to the Redis Stream {@code <prefix>events} that notification-service consumes:
 * {@code XADD <prefix>events MAXLEN ~ 100000 * event <json>}.
 */
@ApplicationScoped
public class EventLog {

    /** Approximate length the stream is trimmed to, shared by every producer. */
    public static final long MAX_LENGTH = 100_000;

    private final StreamCommands<String, String, String> stream;
    private final RedisKeys keys;
    private final Clock clock;
    private final String source;

    public EventLog(RedisDataSource redis, RedisKeys keys, Clock clock, AuthConfig config) {
        this.stream = redis.stream(String.class);
        this.keys = keys;
        this.clock = clock;
        this.source = "auth-service/" + config.instanceName().orElseGet(EventLog::hostName);
    }

    /**
     * Appends one event. A failure is logged, not thrown: losing a notification must not turn an
     * answered request into an error.
     */
    public void append(PortholeEvent event) {
        EventEnvelope envelope = new EventEnvelope(UUID.randomUUID().toString(), clock.instant(), source, event);
        try {
            stream.xadd(
                    keys.events(),
                    new XAddArgs().maxlen(MAX_LENGTH).nearlyExactTrimming(),
                    Map.of(EventCodec.STREAM_FIELD, EventCodec.toJson(envelope)));
        } catch (RuntimeException e) {
            Log.warnf("could not append event %s to %s: %s", envelope.type().wireName(), keys.events(), e.getMessage());
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
