package dev.porthole.notification.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.testing.RedisServerProcess;
import dev.porthole.testing.WebhookReceiver;
import dev.porthole.testing.WebhookReceiver.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two packaged replicas share the consumer group: each event is delivered exactly once, even when one dies. */
class TwoReplicasIT {

    private static final Pattern DELIVERED = Pattern.compile(
            "porthole_notify_deliveries_total\\{[^}]*outcome=\"delivered\"[^}]*provider=\"slack\"[^}]*} ([0-9.]+)");

    private RedisServerProcess redisServer;
    private RedisClient redis;
    private WebhookReceiver receiver;

    @BeforeEach
    void setUp() {
        redisServer = RedisServerProcess.startOnFreePort();
        redis = new RedisClient(redisServer.url());
        receiver = WebhookReceiver.start();
        receiver.reply(ProcessSetup.HOOK, Reply.text(200, "ok"));
    }

    @AfterEach
    void tearDown() {
        receiver.close();
        redis.close();
        redisServer.stop();
    }

    @Test
    void deliversEachEventOnceWhenTwoReplicasShareTheGroup() {
        String url = receiver.url(ProcessSetup.HOOK);
        try (NotificationProcess a = new NotificationProcess(
                                "replica-a", ProcessSetup.env(redisServer.url(), url, "replica-a"))
                        .start();
                NotificationProcess b = new NotificationProcess(
                                "replica-b", ProcessSetup.env(redisServer.url(), url, "replica-b"))
                        .start()) {
            for (int i = 0; i < 200; i++) {
                redis.append(ProcessSetup.event("shared-" + i));
            }

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> DeliveredIds.count(receiver.requests(ProcessSetup.HOOK))
                                    .size()
                            == 200);
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(4))
                    .until(() -> receiver.requests(ProcessSetup.HOOK).size() == 200 && redis.pending() == 0);
            assertThat(DeliveredIds.count(receiver.requests(ProcessSetup.HOOK)).values())
                    .containsOnly(1);
            double byA = delivered(a.metrics());
            double byB = delivered(b.metrics());
            assertThat(byA + byB).isEqualTo(200.0);
            assertThat(byA).isPositive();
            assertThat(byB).isPositive();
        }
    }

    @Test
    void takesOverWhatAKilledReplicaHeldAndDeliversItOnce() {
        String url = receiver.url(ProcessSetup.HOOK);
        receiver.reply(ProcessSetup.HOOK, Reply.text(503, "maintenance"));
        try (NotificationProcess a =
                new NotificationProcess("takeover-a", ProcessSetup.env(redisServer.url(), url, "replica-a")).start()) {
            for (int i = 0; i < 10; i++) {
                redis.append(ProcessSetup.event("orphan-" + i));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> redis.pendingOn("replica-a") == 10);
            a.kill();
        }
        receiver.reply(ProcessSetup.HOOK, Reply.text(200, "ok"));
        int failedAttempts = receiver.requests(ProcessSetup.HOOK).size();

        try (NotificationProcess b =
                new NotificationProcess("takeover-b", ProcessSetup.env(redisServer.url(), url, "replica-b")).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> redis.pending() == 0);
            List<WebhookReceiver.Received> afterTakeover = receiver.requests(ProcessSetup.HOOK)
                    .subList(
                            failedAttempts, receiver.requests(ProcessSetup.HOOK).size());
            Map<String, Integer> delivered = DeliveredIds.count(afterTakeover);
            assertThat(delivered).hasSize(10);
            assertThat(delivered.values()).containsOnly(1);
            assertThat(redis.pendingOn("replica-a")).isZero();
            assertThat(delivered(b.metrics())).isEqualTo(10.0);
        }
    }

    private static double delivered(String metrics) {
        Matcher m = DELIVERED.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
