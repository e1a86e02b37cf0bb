package dev.porthole.notification.delivery;

import dev.porthole.notification.channel.Channel;
import dev.porthole.notification.config.NotificationConfig;
import dev.porthole.notification.config.Rate;
import dev.porthole.notification.config.RedisKeys;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConfigurationBuilder;
import io.github.bucket4j.ConsumptionProbe;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;

/**
 * One Bucket4j token bucket per channel with its chat service's limits (for example Feishu's
 * 5 a second and 100 a minute, greedy refill), its state shared in Redis under
 * {@code <prefix>notify:rate:<channel>:<limits>} so that all replicas together keep to the limit.
 */
@ApplicationScoped
public class SharedTokenBuckets implements RateLimiter {

    private final RedisBucketProxyManager buckets;
    private final RedisKeys keys;
    private final NotificationConfig.RateLimits limits;

    public SharedTokenBuckets(RedisDataSource redis, RedisKeys keys, NotificationConfig config) {
        this.buckets = new RedisBucketProxyManager(redis);
        this.keys = keys;
        this.limits = config.notification().rateLimits();
    }

    @Override
    public Permit tryAcquire(Channel channel) {
        List<Rate> rates = limits.of(channel.provider());
        String key = keys.rateBucket(channel.id(), fingerprint(rates));
        ConsumptionProbe probe =
                buckets.builder().build(key, () -> configuration(rates)).tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return Permit.given();
        }
        return Permit.notBefore(Duration.ofNanos(Math.max(1_000_000, probe.getNanosToWaitForRefill())));
    }

    static BucketConfiguration configuration(List<Rate> rates) {
        ConfigurationBuilder builder = BucketConfiguration.builder();
        for (Rate rate : rates) {
            builder.addLimit(Bandwidth.builder()
                    .capacity(rate.permits())
                    .refillGreedy(rate.permits(), rate.period())
                    .build());
        }
        return builder.build();
    }

    /** Names the limits in the key, so that changed limits start a fresh bucket instead of misreading the old one. */
    static String fingerprint(List<Rate> rates) {
        StringBuilder out = new StringBuilder();
        for (Rate rate : rates) {
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(rate.permits())
                    .append('/')
                    .append(rate.period().toMillis())
                    .append("ms");
        }
        return out.toString();
    }
}
