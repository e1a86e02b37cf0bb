package dev.porthole.notification.process;

import dev.porthole.protocol.event.EventCodec;
import dev.porthole.protocol.event.EventEnvelope;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.concurrent.TimeUnit;

/** A plain Vert.x Redis client for tests that run outside Quarkus: writes events, reads group state. */
public final class RedisClient implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final Redis redis;

    public RedisClient(String url) {
        this.redis = Redis.createClient(vertx, url);
    }

    public Response send(Command command, String... args) {
        Request request = Request.cmd(command);
        for (String arg : args) {
            request.arg(arg);
        }
        try {
            return redis.send(request).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("redis " + command + " failed: " + e.getMessage(), e);
        }
    }

    /** XADD as producers do. */
    public String append(EventEnvelope envelope) {
        return send(
                        Command.XADD,
                        "porthole:events",
                        "MAXLEN",
                        "~",
                        "100000",
                        "*",
                        EventCodec.STREAM_FIELD,
                        EventCodec.toJson(envelope))
                .toString();
    }

    /** Entries read by the group and not yet acknowledged. */
    public long pending() {
        Response summary = send(Command.XPENDING, "porthole:events", "notification-service");
        return summary == null ? 0 : summary.get(0).toLong();
    }

    /** Entries pending on one consumer. */
    public long pendingOn(String consumer) {
        Response entries =
                send(Command.XPENDING, "porthole:events", "notification-service", "-", "+", "1000", consumer);
        return entries == null ? 0 : entries.size();
    }

    @Override
    public void close() {
        redis.close();
        vertx.close();
    }
}
