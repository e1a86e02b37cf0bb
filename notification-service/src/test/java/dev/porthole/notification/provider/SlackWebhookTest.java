package dev.porthole.notification.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.notification.message.MessageFormat;
import dev.porthole.notification.testing.NotificationFixture;
import dev.porthole.protocol.event.EventEnvelope;
import dev.porthole.protocol.event.EventType;
import dev.porthole.protocol.event.PortholeEvent;
import dev.porthole.testing.RedisTestResource;
import dev.porthole.testing.WebhookReceiver;
import dev.porthole.testing.WebhookReceiver.Received;
import dev.porthole.testing.WebhookReceiver.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Slack incoming webhook against a local receiver: text plus Block Kit, "ok", 429 Retry-After, 4xx errors. */
@QuarkusTest
@QuarkusTestResource(RedisTestResource.class)
class SlackWebhookTest {

    private final WebhookReceiver receiver = WebhookReceiver.shared();

    @Inject
    NotificationFixture fixture;

    @Test
    void postsFallbackTextAndBlocks() {
        String path = "/slack/services/T000/B000/blocks";
        receiver.reply(path, Reply.text(200, "ok"));
        fixture.channels()
                .create(
                        "sl-blocks",
                        ProviderKind.SLACK,
                        receiver.url(path),
                        Optional.empty(),
                        MessageFormat.RICH,
                        null,
                        EventType.LIMIT_HIT);
        EventEnvelope envelope = new EventEnvelope(
                "e-sl",
                Instant.parse("2026-01-02T03:04:05Z"),
                "gateway/a",
                new PortholeEvent.LimitHit("gw-1", "c-sl", "api", "bandwidth", "1MB/s <exceeded> & throttled"));

        String entry = fixture.events().append(envelope);

        Received request = receiver.awaitOnlyRequest(path);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        String sentence = "bandwidth limit hit for client c-sl on tunnel api: 1MB/s &lt;exceeded&gt; &amp; throttled.";
        assertThat(request.bodyText())
                .isEqualTo("{\"text\":\"Porthole · limit.hit: " + sentence + "\","
                        + "\"blocks\":[{\"type\":\"header\",\"text\":{\"type\":\"plain_text\",\"text\":\"Porthole · limit.hit\"}},"
                        + "{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"" + sentence + "\"}},"
                        + "{\"type\":\"section\",\"fields\":["
                        + "{\"type\":\"mrkdwn\",\"text\":\"*gatewayId*\\ngw-1\"},"
                        + "{\"type\":\"mrkdwn\",\"text\":\"*clientId*\\nc-sl\"},"
                        + "{\"type\":\"mrkdwn\",\"text\":\"*tunnel*\\napi\"},"
                        + "{\"type\":\"mrkdwn\",\"text\":\"*limit*\\nbandwidth\"},"
                        + "{\"type\":\"mrkdwn\",\"text\":\"*detail*\\n1MB/s &lt;exceeded&gt; &amp; throttled\"},"
                        + "{\"type\":\"mrkdwn\",\"text\":\"*at*\\n2026-01-02T03:04:05Z\"},"
                        + "{\"type\":\"mrkdwn\",\"text\":\"*source*\\ngateway/a\"}]}]}");
        await().atMost(Duration.ofSeconds(5)).until(() -> !fixture.state().pending(entry));
    }

    @Test
    void waitsAsLongAsRetryAfterSaysBeforeTheNextAttempt() {
        String path = "/slack/services/T000/B000/throttled";
        receiver.reply(path, Reply.text(429, "rate_limited").withHeader("Retry-After", "2"), Reply.text(200, "ok"));
        String entry = fixture.sendClientCreated("sl-429", ProviderKind.SLACK, receiver.url(path), "c-sl-429");

        fixture.awaitDeliveredOnSecondAttempt(receiver, path, entry);
        List<Received> requests = receiver.requests(path);
        assertThat(Duration.between(requests.get(0).at(), requests.get(1).at()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        assertThat(requests.get(1).bodyText()).isEqualTo("{\"text\":\"Porthole · client.created\\nclient.created\"}");
    }

    @ParameterizedTest(name = "HTTP {0} {1} is final")
    @CsvSource({
        "400, invalid_payload",
        "400, no_text",
        "403, action_prohibited",
        "404, channel_not_found",
        "404, no_service",
        "410, channel_is_archived",
        "200, not ok"
    })
    void deadLettersWhenSlackRefusesForGood(int status, String body) {
        String path = "/slack/services/T000/B000/refused-" + status + "-" + body.replace(' ', '-');
        receiver.reply(path, Reply.text(status, body));
        String entry = fixture.sendClientCreated("sl-refused", ProviderKind.SLACK, receiver.url(path), "c-sl-refused");

        fixture.awaitRejectedAtFirstAttempt(
                receiver,
                path,
                entry,
                "slack refused it: " + (status == 200 ? "unexpected answer: " : "HTTP " + status + ": ") + body);
    }

    @Test
    void retriesRollupErrorUntilSlackSaysOk() {
        String path = "/slack/services/T000/B000/rollup";
        receiver.reply(path, Reply.text(500, "rollup_error"), Reply.text(200, "ok"));
        String entry = fixture.sendClientCreated("sl-500", ProviderKind.SLACK, receiver.url(path), "c-sl-500");

        fixture.awaitDeliveredOnSecondAttempt(receiver, path, entry);
    }
}
