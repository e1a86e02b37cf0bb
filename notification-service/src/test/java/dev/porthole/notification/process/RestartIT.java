package dev.porthole.notification.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.testing.WebhookReceiver.Reply;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The packaged service stopped and started again: events queued meanwhile are delivered, none lost, none twice. */
class RestartIT {

    @RegisterExtension
    final RedisAndWebhook outside = new RedisAndWebhook();

    @Test
    void deliversEventsWrittenWhileTheServiceWasStoppedExactlyOnce() {
        try (NotificationProcess service =
                new NotificationProcess("restart-graceful", outside.env("notify-1")).start()) {
            outside.append("before", 20);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> outside.requests().size() == 20);

            service.stop();
            outside.append("while-down", 50);
            assertThat(outside.requests()).hasSize(20);

            service.start();
            outside.awaitEachDeliveredOnce(70);
        }
    }

    @Test
    void stopsGracefullyInTheMiddleOfABurstWithoutLosingOrRepeatingAnEvent() {
        outside.receiver.reply(ProcessSetup.HOOK, Reply.text(200, "ok").after(Duration.ofMillis(300)));
        try (NotificationProcess service =
                new NotificationProcess("restart-mid-burst", outside.env("notify-1")).start()) {
            outside.append("burst", 20);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> outside.requests().size() >= 3);

            service.stop();
            int sentBeforeStop = outside.requests().size();
            assertThat(sentBeforeStop).isLessThan(20);
            assertThat(outside.redis.pendingOn("notify-1")).isEqualTo(20 - sentBeforeStop);

            service.start();
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            outside.redis.pending() == 0 && outside.requests().size() >= 20);
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> outside.requests().size() == 20);
            Map<String, Integer> delivered = outside.deliveredAfter(0);
            assertThat(delivered).hasSize(20);
            assertThat(delivered.values()).containsOnly(1);
        }
    }

    @Test
    void deliversWhatAKilledServiceWasStillRetryingOnceItIsBack() {
        outside.receiver.reply(ProcessSetup.HOOK, Reply.text(503, "maintenance"));
        try (NotificationProcess service = new NotificationProcess("restart-killed", outside.env("notify-1")).start()) {
            outside.append("held", 10);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> outside.redis.pendingOn("notify-1") == 10
                            && outside.requests().size() >= 10);

            service.kill();
            outside.receiver.reply(ProcessSetup.HOOK, Reply.text(200, "ok"));
            int failedAttempts = outside.requests().size();
            assertThat(outside.redis.pendingOn("notify-1")).isEqualTo(10);

            service.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> outside.redis.pending() == 0);
            Map<String, Integer> delivered = outside.deliveredAfter(failedAttempts);
            assertThat(delivered).hasSize(10);
            assertThat(delivered.values()).containsOnly(1);
            assertThat(delivered.keySet()).allSatisfy(id -> assertThat(id).startsWith("it-held-"));
        }
    }
}
