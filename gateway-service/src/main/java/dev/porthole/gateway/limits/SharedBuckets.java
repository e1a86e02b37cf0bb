package dev.porthole.gateway.limits;

import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.gateway.registry.LuaScript;
import dev.porthole.gateway.registry.RedisKeys;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The Redis side of the client limits that hold across gateways: one token bucket per client and
 * direction (and per tunnel for requests) in a Redis hash, from which each gateway leases a slice
 * with one Lua call. While Redis does not answer, the limits fall back to each gateway's own buckets
 * (said once in the log and by {@code porthole_gateway_limits_shared}); a ping each second finds
 * Redis back, and the shared buckets take over again.
 */
@ApplicationScoped
public class SharedBuckets {

    /**
     * KEYS[1] the bucket; ARGV: rate per second, capacity, tokens wanted, ttl in ms. Refills by the
     * time Redis itself keeps (so gateways' clocks need not agree), grants what it holds up to the
     * wish, and answers {granted, ms until the rest would be there}. Bucket4j's compare-and-swap model
     * costs a read and a write per take and blocks; a lease is one round trip off the data path.
     */
    static final LuaScript LEASE = new LuaScript("""
            local now = redis.call('TIME')
            now = tonumber(now[1]) * 1000000 + tonumber(now[2])
            local rate = tonumber(ARGV[1])
            local capacity = tonumber(ARGV[2])
            local wanted = tonumber(ARGV[3])
            local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(state[1])
            local at = tonumber(state[2])
            if tokens == nil or at == nil then
              tokens = capacity
            elseif now > at then
              tokens = math.min(capacity, tokens + (now - at) * rate / 1000000)
            end
            local granted = math.max(0, math.min(wanted, math.floor(tokens)))
            tokens = tokens - granted
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            local wait = 0
            if granted < wanted then
              wait = math.ceil((wanted - granted - tokens) * 1000 / rate)
            end
            return {granted, wait}
            """);

    /** How often a gateway in fallback asks whether Redis is back. */
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

    /** What one lease brought: tokens granted, and when the rest of the wish would be there. */
    record Lease(long granted, long retryNanos) {}

    private final RedisAPI redis;
    private final RedisKeys keys;
    private final Vertx vertx;
    private final Consumer<Boolean> switched;
    private final AtomicBoolean shared = new AtomicBoolean(true);
    private final AtomicInteger generation = new AtomicInteger();

    @Inject
    public SharedBuckets(RedisAPI redis, RedisKeys keys, Vertx vertx, GatewayMetrics metrics) {
        this(redis, keys, vertx, metrics::limitsShared);
    }

    /** {@code switched} hears {@code false} when the limits fall back to this gateway's own, {@code true} when they are shared again. */
    SharedBuckets(RedisAPI redis, RedisKeys keys, Vertx vertx, Consumer<Boolean> switched) {
        this.redis = redis;
        this.keys = keys;
        this.vertx = vertx;
        this.switched = switched;
    }

    /** The Redis key of one of a client's buckets: {@code down}, {@code up} or {@code requests:<tunnel>}. */
    String key(String clientId, String bucket) {
        return keys.clientLimit(clientId, bucket);
    }

    /** Whether the buckets are shared now (Redis answered last); otherwise each gateway limits alone. */
    boolean shared() {
        return shared.get();
    }

    /** Counts the switches between shared and fallback, so that a bucket forgets leases from before a switch. */
    int generation() {
        return generation.get();
    }

    /** Leases up to {@code wanted} tokens of a bucket refilled at {@code perSecond} that holds at most {@code capacity}. */
    Future<Lease> lease(String key, long perSecond, long capacity, long wanted, long ttlMillis) {
        return LEASE.run(
                        redis,
                        List.of(
                                "1",
                                key,
                                Long.toString(perSecond),
                                Long.toString(capacity),
                                Long.toString(wanted),
                                Long.toString(ttlMillis)))
                .map(this::answered)
                .onFailure(this::unreachable);
    }

    /** Runs {@code task} on the event loop after {@code nanos}. */
    void later(long nanos, Runnable task) {
        vertx.setTimer(Math.max(1, nanos / 1_000_000), id -> task.run());
    }

    private Lease answered(Response reply) {
        if (!shared.get()) {
            back();
        }
        return new Lease(reply.get(0).toLong(), reply.get(1).toLong() * 1_000_000L);
    }

    private void unreachable(Throwable cause) {
        if (shared.compareAndSet(true, false)) {
            generation.incrementAndGet();
            switched.accept(false);
            Log.warnf(
                    "Redis did not answer a limit lease (%s): client limits are now enforced by each gateway alone, "
                            + "so a client on several gateways may get its grant on each until Redis answers again",
                    cause.getMessage());
            vertx.setTimer(PROBE_INTERVAL.toMillis(), id -> probe());
        }
    }

    private void probe() {
        redis.ping(List.of()).onComplete(answer -> {
            if (answer.succeeded()) {
                back();
            } else {
                vertx.setTimer(PROBE_INTERVAL.toMillis(), id -> probe());
            }
        });
    }

    private void back() {
        if (shared.compareAndSet(false, true)) {
            generation.incrementAndGet();
            switched.accept(true);
            Log.info("Redis answers again: client limits are shared across gateways again");
        }
    }
}
