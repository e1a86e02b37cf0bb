package dev.porthole.notification.delivery;

import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AbstractCompareAndSwapBasedProxyManager;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AsyncCompareAndSwapOperation;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.CompareAndSwapOperation;
import io.github.bucket4j.distributed.remote.RemoteBucketState;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps Bucket4j bucket state in Redis with compare-and-swap (a small Lua script), so that every
 * replica draws from the same bucket per channel and a restart does not refill it. State is stored
 * Base64-encoded because the blocking Redis API passes arguments as strings.
 */
final class RedisBucketProxyManager extends AbstractCompareAndSwapBasedProxyManager<String> {

    /** SET the new state only if the key still holds the state read before (or is still absent). */
    static final String CAS_SCRIPT = """
            local current = redis.call('GET', KEYS[1])
            if ARGV[1] == '' then
              if current then return 0 end
            elseif current ~= ARGV[1] then
              return 0
            end
            if tonumber(ARGV[3]) > 0 then
              redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
            else
              redis.call('SET', KEYS[1], ARGV[2])
            end
            return 1
            """;

    private final RedisDataSource redis;

    RedisBucketProxyManager(RedisDataSource redis) {
        super(ClientSideConfig.getDefault()
                .withExpirationAfterWriteStrategy(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .withMaxRetries(16));
        this.redis = redis;
    }

    @Override
    protected CompareAndSwapOperation beginCompareAndSwapOperation(String key) {
        return new CompareAndSwapOperation() {
            @Override
            public Optional<byte[]> getStateData(Optional<Long> timeoutNanos) {
                String stored = redis.value(String.class).get(key);
                return stored == null
                        ? Optional.empty()
                        : Optional.of(Base64.getDecoder().decode(stored));
            }

            @Override
            public boolean compareAndSwap(
                    byte[] originalData, byte[] newData, RemoteBucketState newState, Optional<Long> timeoutNanos) {
                String original =
                        originalData == null ? "" : Base64.getEncoder().encodeToString(originalData);
                // A bucket that has refilled completely carries no information: let Redis forget it.
                long ttlMillis = getClientSideConfig()
                        .getExpirationAfterWriteStrategy()
                        .map(strategy -> strategy.calculateTimeToLiveMillis(newState, currentTimeNanos()))
                        .orElse(0L);
                Response reply = redis.execute(
                        "EVAL",
                        CAS_SCRIPT,
                        "1",
                        key,
                        original,
                        Base64.getEncoder().encodeToString(newData),
                        Long.toString(Math.max(ttlMillis, 0L)));
                return reply != null && reply.toInteger() == 1;
            }
        };
    }

    @Override
    protected AsyncCompareAndSwapOperation beginAsyncCompareAndSwapOperation(String key) {
        throw new UnsupportedOperationException("the delivery loop uses the blocking API");
    }

    @Override
    public void removeProxy(String key) {
        redis.key().del(key);
    }

    @Override
    protected CompletableFuture<Void> removeAsync(String key) {
        throw new UnsupportedOperationException("the delivery loop uses the blocking API");
    }

    @Override
    public boolean isAsyncModeSupported() {
        return false;
    }

    @Override
    public boolean isExpireAfterWriteSupported() {
        return true;
    }
}
