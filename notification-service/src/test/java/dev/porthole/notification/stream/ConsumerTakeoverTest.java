package dev.porthole.notification.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.notification.provider.ProviderKind;
import dev.porthole.notification.testing.Events;
import dev.porthole.notification.testing.NotificationFixture;
import dev.porthole.notification.testing.StreamState;
import dev.porthole.protocol.event.EventCodec;
import dev.porthole.protocol.event.EventType;
import dev.porthole.testing.RedisTestResource;
import dev.porthole.testing.WebhookReceiver;
import dev.porthole.testing.WebhookReceiver.Reply;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.ClaimedMessages;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.redis.datasource.transactions.TransactionResult;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Entries a crashed consumer left pending are taken over with XAUTOCLAIM (test profile: after 2 s
 * idle) and delivered once; entries a live consumer holds are kept claimed and cannot be taken.
 */
@QuarkusTest
@QuarkusTestResource(RedisTestResource.class)
class ConsumerTakeoverTest {

    @Inject
    RedisDataSource redis;

    private final WebhookReceiver receiver = WebhookReceiver.shared();

    @Inject
    NotificationFixture fixture;

    @Test
    void takesOverWhatACrashedConsumerLeftPendingAndDeliversItOnce() {
        String path = "/takeover/ghost";
        receiver.reply(path, Reply.text(200, "ok"));
        fixture.channels()
                .createText("takeover", ProviderKind.SLACK, receiver.url(path), "{clientId}", EventType.CLIENT_CREATED);
        String json = EventCodec.toJson(Events.envelope(Events.clientCreated("left-by-ghost")));

        // Written and read by "ghost" in one transaction, so the service never sees it as new.
        TransactionResult result = redis.withTransaction(tx -> {
            tx.stream(String.class, String.class, String.class)
                    .xadd(Events.STREAM, new XAddArgs().maxlen(100_000L).nearlyExactTrimming(), Map.of("event", json));
            tx.stream(String.class, String.class, String.class)
                    .xreadgroup(StreamState.GROUP, "ghost", Events.STREAM, ">", new XReadGroupArgs().count(10));
        });
        String entry = result.get(0);
        assertThat(ownerOf(entry)).isEqualTo("ghost");

        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        receiver.requests(path).size() == 1 && !fixture.state().pending(entry));
        assertThat(receiver.requests(path).getFirst().bodyText()).contains("left-by-ghost");
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(2))
                .until(() -> receiver.requests(path).size() == 1);
    }

    @Test
    void keepsEntriesItIsStillWorkingOnClaimedSoNoOtherConsumerTakesThem() {
        String path = "/takeover/held";
        // Retry-After keeps the entry held for 5 s, more than twice the claim idle time of the test profile.
        receiver.reply(path, Reply.text(429, "rate_limited").withHeader("Retry-After", "5"), Reply.text(200, "ok"));
        fixture.channels()
                .createText("held", ProviderKind.SLACK, receiver.url(path), "{clientId}", EventType.CLIENT_CREATED);

        String entry = fixture.events().append(Events.clientCreated("held-long"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> receiver.requests(path).size() == 1);

        // A thief claiming everything idle for 2 s keeps trying for 3.5 s and never gets it.
        await().during(Duration.ofMillis(3500))
                .atMost(Duration.ofSeconds(5))
                .until(() -> !thiefTakes(entry) && ownerOf(entry).equals("test-consumer"));

        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        receiver.requests(path).size() == 2 && !fixture.state().pending(entry));
        assertThat(fixture.state().deadLettersOf(entry)).isEmpty();
    }

    private boolean thiefTakes(String entry) {
        ClaimedMessages<String, String, String> claimed = redis.stream(String.class, String.class, String.class)
                .xautoclaim(Events.STREAM, StreamState.GROUP, "thief", Duration.ofSeconds(2), "0-0", 100);
        return claimed.getMessages().stream().anyMatch(m -> m.id().equals(entry));
    }

    private String ownerOf(String entry) {
        return redis.stream(String.class, String.class, String.class)
                .xpending(Events.STREAM, StreamState.GROUP, StreamRange.of(entry, entry), 1)
                .getFirst()
                .getConsumer();
    }
}
