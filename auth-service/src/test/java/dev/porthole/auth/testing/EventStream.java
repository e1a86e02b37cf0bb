package dev.porthole.auth.testing;

import dev.porthole.protocol.event.EventCodec;
import dev.porthole.protocol.event.EventEnvelope;
import dev.porthole.protocol.event.MalformedEventException;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import java.util.List;

/** Reads {@code porthole:events} the way notification-service does: decoded envelopes. */
public final class EventStream {

    private EventStream() {}

    public static List<EventEnvelope> read(RedisDataSource redis) {
        return redis.stream(String.class).xrange("porthole:events", StreamRange.of("-", "+")).stream()
                .map(message -> {
                    try {
                        return EventCodec.fromJson(message.payload().get(EventCodec.STREAM_FIELD));
                    } catch (MalformedEventException e) {
                        throw new AssertionError("malformed event in the stream: " + e.getMessage(), e);
                    }
                })
                .toList();
    }
}
