package dev.porthole.notification.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.testing.WebhookReceiver.Reply;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two packaged replicas share the consumer group: each event is delivered exactly once, even when one dies. */
class TwoReplicasIT {

    private static final Pattern DELIVERED = Pattern.compile(
            "porthole_notify_deliveries_total\\{[^}]*outcome=\"delivered\"[^}]*provider=\"slack\"[^}]*} ([0-9.]+)");

    @RegisterExtension
    final RedisAndWebhook outside = new RedisAndWebhook();

    @Test
    void deliversEachEventOnceWhenTwoReplicasShareTheGroup() {
        try (NotificationProcess a = new NotificationProcess("replica-a", outside.env("replica-a")).start();
                NotificationProcess b = new NotificationProcess("replica-b", outside.env("replica-b")).start()) {
            outside.append("shared", 200);

            outside.awaitEachDeliveredOnce(200);
            double byA = delivered(a.metrics());
            double byB = delivered(b.metrics());
            assertThat(byA + byB).isEqualTo(200.0);
            assertThat(byA).isPositive();
            assertThat(byB).isPositive();
        }
    }

    @Test
    void takesOverWhatAKilledReplicaHeldAndDeliversItOnce() {
        outside.receiver.reply(ProcessSetup.HOOK, Reply.text(503, "maintenance"));
        try (NotificationProcess a = new NotificationProcess("takeover-a", outside.env("replica-a")).start()) {
            outside.append("orphan", 10);
            await().atMost(Duration.ofSeconds(20)).until(() -> outside.redis.pendingOn("replica-a") == 10);
            a.kill();
        }
        outside.receiver.reply(ProcessSetup.HOOK, Reply.text(200, "ok"));
        int failedAttempts = outside.requests().size();

        try (NotificationProcess b = new NotificationProcess("takeover-b", outside.env("replica-b")).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> outside.redis.pending() == 0);
            Map<String, Integer> delivered = outside.deliveredAfter(failedAttempts);
            assertThat(delivered).hasSize(10);
            assertThat(delivered.values()).containsOnly(1);
            assertThat(outside.redis.pendingOn("replica-a")).isZero();
            assertThat(delivered(b.metrics())).isEqualTo(10.0);
        }
    }

    private static double delivered(String metrics) {
        Matcher m = DELIVERED.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
