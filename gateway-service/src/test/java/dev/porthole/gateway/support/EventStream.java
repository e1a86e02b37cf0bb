package dev.porthole.gateway.support;

import io.vertx.redis.client.RedisAPI;
import java.util.List;

/** The gateway's event stream ({@code porthole:events}) in the test Redis, read whole. */
public final class EventStream {

    private EventStream() {}

    /** Every entry of the stream, as text to look for an event's type and fields in. */
    public static String text(RedisAPI redis) {
        return redis.xrange(List.of("porthole:events", "-", "+"))
                .toCompletionStage()
                .toCompletableFuture()
                .join()
                .toString();
    }
}
