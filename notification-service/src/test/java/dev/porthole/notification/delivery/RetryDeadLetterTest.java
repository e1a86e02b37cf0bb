package dev.porthole.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.notification.deadletter.DeadLetter;
import dev.porthole.notification.provider.ProviderKind;
import dev.porthole.notification.testing.Events;
import dev.porthole.notification.testing.NotificationFixture;
import dev.porthole.protocol.event.EventCodec;
import dev.porthole.protocol.event.EventEnvelope;
import dev.porthole.protocol.event.EventType;
import dev.porthole.testing.RedisTestResource;
import dev.porthole.testing.WebhookReceiver;
import dev.porthole.testing.WebhookReceiver.Received;
import dev.porthole.testing.WebhookReceiver.Reply;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Passing failures are retried with exponential backoff (test profile: 3 attempts, 100 ms doubling);
 * after the last attempt the event goes to the dead-letter stream and the metric counts it.
 */
@QuarkusTest
@QuarkusTestResource(RedisTestResource.class)
class RetryDeadLetterTest {

    @Inject
    MeterRegistry registry;

    private final WebhookReceiver receiver = WebhookReceiver.shared();

    @Inject
    NotificationFixture fixture;

    @Test
    void deadLettersTheEventAfterTheLastAttemptWithDoublingDelays() {
        String path = "/retry/wecom/always-503";
        receiver.reply(path, Reply.text(503, "maintenance"));
        fixture.channels()
                .createText(
                        "retry-exhausted",
                        ProviderKind.WECOM,
                        receiver.url(path + "?key=k"),
                        "{type}",
                        EventType.CLIENT_CREATED);
        double deadBefore = count("porthole.notify.dead.letters", "kind", "exhausted");
        double retriesBefore = count("porthole.notify.retries", "provider", "wecom");
        EventEnvelope envelope = Events.envelope(Events.clientCreated("c-exhausted"));

        String entry = fixture.events().append(envelope);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> fixture.state().deadLetterOf(entry).isPresent());
        List<Received> attempts = receiver.requests(path);
        assertThat(attempts).hasSize(3);
        assertThat(Duration.between(attempts.get(0).at(), attempts.get(1).at()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(95));
        assertThat(Duration.between(attempts.get(1).at(), attempts.get(2).at()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(195));
        DeadLetter letter = fixture.state().deadLetterOf(entry).orElseThrow();
        assertThat(letter.kind()).isEqualTo(DeadLetter.Kind.EXHAUSTED);
        assertThat(letter.reason()).isEqualTo("gave up after 3 attempts: HTTP 503");
        assertThat(letter.attempts()).isEqualTo(3);
        assertThat(letter.channelId()).contains("retry-exhausted");
        assertThat(letter.event()).contains(EventCodec.toJson(envelope));
        assertThat(letter.replayable()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> !fixture.state().pending(entry));
        assertThat(count("porthole.notify.dead.letters", "kind", "exhausted") - deadBefore)
                .isEqualTo(1.0);
        assertThat(count("porthole.notify.retries", "provider", "wecom") - retriesBefore)
                .isEqualTo(2.0);
    }

    @Test
    void retriesAfterATimeoutAndDeliversOnce() {
        String path = "/retry/dingtalk/slow-then-ok";
        receiver.reply(
                path,
                Reply.json(200, "{\"errcode\":0,\"errmsg\":\"ok\"}").after(Duration.ofMillis(2600)),
                Reply.json(200, "{\"errcode\":0,\"errmsg\":\"ok\"}"));
        String entry = fixture.sendClientCreated(
                "retry-timeout", ProviderKind.DINGTALK, receiver.url(path + "?access_token=t"), "c-timeout");

        fixture.awaitDeliveredOnSecondAttempt(receiver, path, entry);
    }

    @Test
    void sendsOneRequestAtATimePerChannelWhileRetrying() {
        String path = "/retry/slack/flaky";
        receiver.reply(
                path,
                Reply.text(500, "rollup_error").after(Duration.ofMillis(100)),
                Reply.text(500, "rollup_error"),
                Reply.text(200, "ok"));
        fixture.channels()
                .createText(
                        "retry-order", ProviderKind.SLACK, receiver.url(path), "{clientId}", EventType.CLIENT_CREATED);

        fixture.events().appendAll(List.of(Events.clientCreated("one"), Events.clientCreated("two")));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.requests(path).size() == 4);
        assertThat(receiver.mostConcurrent(path)).isEqualTo(1);
        assertThat(receiver.requests(path).stream().map(Received::bodyText).toList())
                .containsExactly(
                        "{\"text\":\"Porthole · client.created\\none\"}",
                        "{\"text\":\"Porthole · client.created\\none\"}",
                        "{\"text\":\"Porthole · client.created\\none\"}",
                        "{\"text\":\"Porthole · client.created\\ntwo\"}");
    }

    private double count(String name, String tag, String value) {
        return registry.find(name).tag(tag, value).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }
}
