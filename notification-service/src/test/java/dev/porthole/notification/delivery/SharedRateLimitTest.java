package dev.porthole.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.notification.channel.Channel;
import dev.porthole.notification.channel.ChannelFilter;
import dev.porthole.notification.config.NotificationConfig;
import dev.porthole.notification.config.Rate;
import dev.porthole.notification.config.RedisKeys;
import dev.porthole.notification.message.MessageFormat;
import dev.porthole.notification.provider.ProviderKind;
import dev.porthole.testing.RedisTestResource;
import io.github.bucket4j.BucketConfiguration;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Rate limit buckets live in Redis: replicas share them, and Feishu's two limits both apply. */
@QuarkusTest
@QuarkusTestResource(RedisTestResource.class)
class SharedRateLimitTest {

    @Inject
    RedisDataSource redis;

    @Inject
    RedisKeys keys;

    @Inject
    NotificationConfig config;

    @Test
    void twoReplicasTogetherGetNoMoreThanTheChannelsLimit() {
        SharedTokenBuckets replicaA = new SharedTokenBuckets(redis, keys, config);
        SharedTokenBuckets replicaB = new SharedTokenBuckets(redis, keys, config);
        Channel channel = channel("shared-wecom", ProviderKind.WECOM);

        int granted = 0;
        for (int i = 0; i < 15; i++) {
            granted += replicaA.tryAcquire(channel).granted() ? 1 : 0;
            granted += replicaB.tryAcquire(channel).granted() ? 1 : 0;
        }

        assertThat(granted).isEqualTo(20);
        RateLimiter.Permit next = replicaA.tryAcquire(channel);
        assertThat(next.granted()).isFalse();
        assertThat(next.retryIn()).isBetween(Duration.ofMillis(1), Duration.ofSeconds(3));
    }

    @Test
    void feishuAllowsFiveASecondThenAsksToWaitAFifthOfASecond() {
        SharedTokenBuckets buckets = new SharedTokenBuckets(redis, keys, config);
        Channel channel = channel("shared-feishu", ProviderKind.FEISHU);

        for (int i = 0; i < 5; i++) {
            assertThat(buckets.tryAcquire(channel).granted()).isTrue();
        }
        RateLimiter.Permit sixth = buckets.tryAcquire(channel);

        assertThat(sixth.granted()).isFalse();
        assertThat(sixth.retryIn()).isBetween(Duration.ofMillis(1), Duration.ofMillis(200));
    }

    @Test
    void feishuBucketCarriesBothTheSecondAndTheMinuteLimit() {
        BucketConfiguration configuration = SharedTokenBuckets.configuration(
                config.notification().rateLimits().feishu());

        assertThat(configuration.getBandwidths()).hasSize(2);
        assertThat(configuration.getBandwidths()[0].getCapacity()).isEqualTo(5);
        assertThat(configuration.getBandwidths()[0].getRefillPeriodNanos())
                .isEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(configuration.getBandwidths()[1].getCapacity()).isEqualTo(100);
        assertThat(configuration.getBandwidths()[1].getRefillPeriodNanos())
                .isEqualTo(Duration.ofMinutes(1).toNanos());
        assertThat(config.notification().rateLimits().dingtalk()).containsExactly(new Rate(20, Duration.ofMinutes(1)));
        assertThat(config.notification().rateLimits().wecom()).containsExactly(new Rate(20, Duration.ofMinutes(1)));
        assertThat(config.notification().rateLimits().slack()).containsExactly(new Rate(1, Duration.ofSeconds(1)));
    }

    @Test
    void keepsTheBucketInRedisUnderTheChannelsKey() {
        SharedTokenBuckets buckets = new SharedTokenBuckets(redis, keys, config);
        buckets.tryAcquire(channel("keyed", ProviderKind.SLACK));

        assertThat(redis.key().exists("porthole:notify:rate:keyed:1/1000ms")).isTrue();
        assertThat(redis.key().pttl("porthole:notify:rate:keyed:1/1000ms")).isPositive();
    }

    private static Channel channel(String id, ProviderKind kind) {
        return new Channel(
                id,
                kind,
                "http://127.0.0.1:1/x",
                Optional.empty(),
                ChannelFilter.all(),
                Optional.empty(),
                MessageFormat.TEXT,
                Channel.Origin.API);
    }
}
