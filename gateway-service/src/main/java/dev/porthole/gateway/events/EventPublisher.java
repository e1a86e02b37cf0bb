package dev.porthole.gateway.events;

import dev.porthole.gateway.config.GatewayInstance;
import dev.porthole.gateway.registry.RedisKeys;
import dev.porthole.protocol.event.EventCodec;
import dev.porthole.protocol.event.EventEnvelope;
import dev.porthole.protocol.event.PortholeEvent;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Appends events to the Redis Stream that notification-service consumes. While Redis cannot be
 * reached, events wait in a bounded backlog and are retried; when the backlog is full the oldest
 * are dropped and counted, never memory without end.
 */
@ApplicationScoped
public class EventPublisher {

    /** Entries kept in the stream; older ones are trimmed by Redis. */
    static final String STREAM_MAX_LENGTH = "100000";

    static final int BACKLOG_LIMIT = 10_000;
    private static final long RETRY_MILLIS = 2_000;

    private final RedisAPI redis;
    private final RedisKeys keys;
    private final GatewayInstance instance;
    private final Vertx vertx;
    private final Deque<String> backlog = new ArrayDeque<>();
    private long dropped;
    private long retryTimer = -1;

    public EventPublisher(RedisAPI redis, RedisKeys keys, GatewayInstance instance, Vertx vertx) {
        this.redis = redis;
        this.keys = keys;
        this.instance = instance;
        this.vertx = vertx;
    }

    /**
     * Appends an event; never throws and never blocks. The answer completes when the first attempt
     * ends: succeeded once the event is in the stream, failed when it waits in the backlog.
     */
    public Future<Void> publish(PortholeEvent event) {
        String json = EventCodec.toJson(EventEnvelope.now(instance.eventSource(), event));
        return append(json);
    }

    /** Events waiting for Redis. */
    public synchronized int backlogSize() {
        return backlog.size();
    }

    /** Events dropped because the backlog was full. */
    public synchronized long droppedCount() {
        return dropped;
    }

    private Future<Void> append(String json) {
        return redis.xadd(List.of(keys.events(), "MAXLEN", "~", STREAM_MAX_LENGTH, "*", EventCodec.STREAM_FIELD, json))
                .onFailure(error -> keep(json, error))
                .mapEmpty();
    }

    private synchronized void keep(String json, Throwable error) {
        if (backlog.isEmpty()) {
            Log.warnf(
                    "cannot append events to Redis (%s); keeping up to %d and retrying",
                    error.getMessage(), BACKLOG_LIMIT);
        }
        if (backlog.size() >= BACKLOG_LIMIT) {
            backlog.pollFirst();
            dropped++;
        }
        backlog.addLast(json);
        if (retryTimer < 0) {
            retryTimer = vertx.setTimer(RETRY_MILLIS, id -> retry());
        }
    }

    private void retry() {
        List<String> pending;
        synchronized (this) {
            retryTimer = -1;
            pending = List.copyOf(backlog);
            backlog.clear();
        }
        pending.forEach(this::append);
    }

    @PreDestroy
    synchronized void stop() {
        if (retryTimer >= 0) {
            vertx.cancelTimer(retryTimer);
        }
        if (!backlog.isEmpty()) {
            Log.warnf("%d events could not be written to Redis before shutdown", backlog.size());
        }
    }
}
