package dev.porthole.notification.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.testing.RedisServerProcess;
import dev.porthole.testing.WebhookReceiver;
import dev.porthole.testing.WebhookReceiver.Received;
import dev.porthole.testing.WebhookReceiver.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the packaged service runs against in one process test (a JUnit extension, started before each
 * test and stopped after it): its own Redis (a server and a client) and a webhook receiver that answers
 * "ok" at {@link ProcessSetup#HOOK}.
 */
final class RedisAndWebhook implements BeforeEachCallback, AfterEachCallback {

    RedisServerProcess redisServer;
    RedisClient redis;
    WebhookReceiver receiver;

    @Override
    public void beforeEach(ExtensionContext context) {
        redisServer = RedisServerProcess.startOnFreePort();
        redis = new RedisClient(redisServer.url());
        receiver = WebhookReceiver.start();
        receiver.reply(ProcessSetup.HOOK, Reply.text(200, "ok"));
    }

    /** {@link ProcessSetup#env} for a service with this consumer name, on this Redis and receiver. */
    Map<String, String> env(String consumer) {
        return ProcessSetup.env(redisServer.url(), receiver.url(ProcessSetup.HOOK), consumer);
    }

    /** Appends {@code count} events tagged {@code tag-0} to {@code tag-<count - 1>}. */
    void append(String tag, int count) {
        for (int i = 0; i < count; i++) {
            redis.append(ProcessSetup.event(tag + "-" + i));
        }
    }

    /** The requests the webhook got so far. */
    List<Received> requests() {
        return receiver.requests(ProcessSetup.HOOK);
    }

    /** How many times each event id arrived in the requests after the first {@code skipped}. */
    Map<String, Integer> deliveredAfter(int skipped) {
        List<Received> requests = requests();
        return DeliveredIds.count(requests.subList(skipped, requests.size()));
    }

    /**
     * Waits (up to 30 s) until {@code events} distinct events have arrived, then for two quiet seconds
     * with no further request and nothing pending; checks that each arrived once.
     */
    void awaitEachDeliveredOnce(int events) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> DeliveredIds.count(requests()).size() == events);
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .until(() -> requests().size() == events && redis.pending() == 0);
        assertThat(DeliveredIds.count(requests()).values()).containsOnly(1);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        receiver.close();
        redis.close();
        redisServer.stop();
    }
}
