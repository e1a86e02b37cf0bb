package dev.porthole.notification.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.testing.RedisServerProcess;
import dev.porthole.testing.WebhookReceiver;
import dev.porthole.testing.WebhookReceiver.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The packaged service stopped and started again: events queued meanwhile are delivered, none lost, none twice. */
class RestartIT {

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
    void deliversEventsWrittenWhileTheServiceWasStoppedExactlyOnce() {
        Map<String, String> env = ProcessSetup.env(redisServer.url(), receiver.url(ProcessSetup.HOOK), "notify-1");
        try (NotificationProcess service = new NotificationProcess("restart-graceful", env).start()) {
            for (int i = 0; i < 20; i++) {
                redis.append(ProcessSetup.event("before-" + i));
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> receiver.requests(ProcessSetup.HOOK).size() == 20);

            service.stop();
            for (int i = 0; i < 50; i++) {
                redis.append(ProcessSetup.event("while-down-" + i));
            }
            assertThat(receiver.requests(ProcessSetup.HOOK)).hasSize(20);

            service.start();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> DeliveredIds.count(receiver.requests(ProcessSetup.HOOK))
                                    .size()
                            == 70);
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(4))
                    .until(() -> receiver.requests(ProcessSetup.HOOK).size() == 70);
            assertThat(DeliveredIds.count(receiver.requests(ProcessSetup.HOOK)).values())
                    .containsOnly(1);
            assertThat(redis.pending()).isZero();
        }
    }

    @Test
    void stopsGracefullyInTheMiddleOfABurstWithoutLosingOrRepeatingAnEvent() {
        receiver.reply(ProcessSetup.HOOK, Reply.text(200, "ok").after(Duration.ofMillis(300)));
        Map<String, String> env = ProcessSetup.env(redisServer.url(), receiver.url(ProcessSetup.HOOK), "notify-1");
        try (NotificationProcess service = new NotificationProcess("restart-mid-burst", env).start()) {
            for (int i = 0; i < 20; i++) {
                redis.append(ProcessSetup.event("burst-" + i));
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> receiver.requests(ProcessSetup.HOOK).size() >= 3);

            service.stop();
            int sentBeforeStop = receiver.requests(ProcessSetup.HOOK).size();
            assertThat(sentBeforeStop).isLessThan(20);
            assertThat(redis.pendingOn("notify-1")).isEqualTo(20 - sentBeforeStop);

            service.start();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> redis.pending() == 0
                            && receiver.requests(ProcessSetup.HOOK).size() >= 20);
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> receiver.requests(ProcessSetup.HOOK).size() == 20);
            Map<String, Integer> delivered = DeliveredIds.count(receiver.requests(ProcessSetup.HOOK));
            assertThat(delivered).hasSize(20);
            assertThat(delivered.values()).containsOnly(1);
        }
    }

    @Test
    void deliversWhatAKilledServiceWasStillRetryingOnceItIsBack() {
        receiver.reply(ProcessSetup.HOOK, Reply.text(503, "maintenance"));
        Map<String, String> env = ProcessSetup.env(redisServer.url(), receiver.url(ProcessSetup.HOOK), "notify-1");
        try (NotificationProcess service = new NotificationProcess("restart-killed", env).start()) {
            for (int i = 0; i < 10; i++) {
                redis.append(ProcessSetup.event("held-" + i));
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> redis.pendingOn("notify-1") == 10
                            && receiver.requests(ProcessSetup.HOOK).size() >= 10);

            service.kill();
            receiver.reply(ProcessSetup.HOOK, Reply.text(200, "ok"));
            int failedAttempts = receiver.requests(ProcessSetup.HOOK).size();
            assertThat(redis.pendingOn("notify-1")).isEqualTo(10);

            service.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> redis.pending() == 0);
            List<WebhookReceiver.Received> afterRestart = receiver.requests(ProcessSetup.HOOK)
                    .subList(
                            failedAttempts, receiver.requests(ProcessSetup.HOOK).size());
            Map<String, Integer> delivered = DeliveredIds.count(afterRestart);
            assertThat(delivered).hasSize(10);
            assertThat(delivered.values()).containsOnly(1);
            assertThat(delivered.keySet()).allSatisfy(id -> assertThat(id).startsWith("it-held-"));
        }
    }
}
