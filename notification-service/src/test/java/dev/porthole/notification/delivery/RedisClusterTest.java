package dev.porthole.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.notification.channel.ChannelRepository;
import dev.porthole.notification.config.NotificationConfig;
import dev.porthole.notification.config.RedisKeys;
import dev.porthole.notification.deadletter.DeadLetter;
import dev.porthole.notification.deadletter.DeadLetterStore;
import dev.porthole.notification.provider.ProviderKind;
import dev.porthole.notification.testing.Events;
import dev.porthole.notification.testing.NotificationFixture;
import dev.porthole.protocol.event.EventType;
import dev.porthole.testing.RedisClusterTestResource;
import dev.porthole.testing.WebhookReceiver;
import dev.porthole.testing.WebhookReceiver.Reply;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * notification-service on a real three-primary Redis Cluster (issue 22): channels stored over the
 * API, events read with the consumer group's blocking reads, dead letters replayed, and the rate
 * limit buckets shared by replicas.
 */
@QuarkusTest
@QuarkusTestResource(value = RedisClusterTestResource.class, restrictToAnnotatedClass = true)
class RedisClusterTest {

    @Inject
    RedisDataSource redis;

    @Inject
    ChannelRepository repository;

    @Inject
    DeadLetterStore deadLetters;

    @Inject
    RedisKeys keys;

    @Inject
    NotificationConfig config;

    private final WebhookReceiver receiver = WebhookReceiver.shared();

    @Inject
    NotificationFixture fixture;

    @Test
    void theServiceTalksToTheCluster() {
        assertThat(redis.execute("CLUSTER", "INFO").toString()).contains("cluster_state:ok");
    }

    @Test
    void anEventReachesItsChannelAndADeadLetterIsReplayed() {
        String path = "/cluster/wecom";
        receiver.reply(
                path,
                Reply.text(503, "down"),
                Reply.text(503, "down"),
                Reply.text(503, "down"),
                Reply.json(200, "{\"errcode\":0,\"errmsg\":\"ok\"}"));
        fixture.channels()
                .createText(
                        "cluster-wecom",
                        ProviderKind.WECOM,
                        receiver.url(path + "?key=k"),
                        "{type}",
                        EventType.CLIENT_CREATED);
        assertThat(repository.storedCount()).isEqualTo(1);

        String entry = fixture.events().append(Events.clientCreated("c-cluster"));

        DeadLetter letter = fixture.state().awaitDeadLetter(entry);
        deadLetters.replay(letter);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.requests(path).size() == 4);
        assertThat(fixture.state().deadLetterOf(entry))
                .as("the replayed letter is gone")
                .isEmpty();
    }

    @Test
    void replicasShareARateLimitBucket() {
        SharedTokenBuckets replicaA = new SharedTokenBuckets(redis, keys, config);
        SharedTokenBuckets replicaB = new SharedTokenBuckets(redis, keys, config);
        var channel = fixture.channels()
                .createText(
                        "cluster-slack",
                        ProviderKind.SLACK,
                        receiver.url("/cluster/slack"),
                        "{type}",
                        EventType.CLIENT_CREATED);
        assertThat(replicaA.tryAcquire(channel).granted()).isTrue();
        assertThat(replicaB.tryAcquire(channel).granted())
                .as("Slack allows one a second, for both replicas together")
                .isFalse();
    }
}
