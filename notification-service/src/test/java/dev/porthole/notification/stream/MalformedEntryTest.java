package dev.porthole.notification.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.notification.deadletter.DeadLetter;
import dev.porthole.notification.provider.ProviderKind;
import dev.porthole.notification.testing.Events;
import dev.porthole.notification.testing.NotificationFixture;
import dev.porthole.protocol.event.EventType;
import dev.porthole.testing.RedisTestResource;
import dev.porthole.testing.WebhookReceiver;
import dev.porthole.testing.WebhookReceiver.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A malformed entry is logged, dead-lettered with the reason, acknowledged, and the consumer keeps going. */
@QuarkusTest
@QuarkusTestResource(RedisTestResource.class)
class MalformedEntryTest {

    private final WebhookReceiver receiver = WebhookReceiver.shared();

    @Inject
    NotificationFixture fixture;

    static Object[][] malformed() {
        return new Object[][] {
            {Map.of("event", "{not json"), "not JSON: "},
            {Map.of("payload", "x"), "entry has no 'event' field"},
            {
                Map.of(
                        "event",
                        "{\"v\":1,\"id\":\"x\",\"type\":\"tunnel.exploded\",\"severity\":\"INFO\",\"at\":\"2026-01-01T00:00:00Z\","
                                + "\"source\":\"g\",\"data\":{}}"),
                "unknown event type 'tunnel.exploded'"
            },
            {
                Map.of("event", "{\"v\":99,\"type\":\"client.created\"}"),
                "unsupported event version 99 (this build reads 1..1)"
            },
            {
                Map.of(
                        "event",
                        "{\"v\":1,\"id\":\"x\",\"type\":\"client.created\",\"severity\":\"INFO\",\"at\":\"yesterday\","
                                + "\"source\":\"g\",\"data\":{\"clientId\":\"c\"}}"),
                "bad 'at' timestamp: "
            },
        };
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void deadLettersTheEntryAndDeliversTheNextEvent(Map<String, String> fields, String reasonStart) throws Exception {
        String path = "/malformed/" + Math.abs(reasonStart.hashCode());
        receiver.reply(path, Reply.text(200, "ok"));
        fixture.channels()
                .createText(
                        "malformed-next",
                        ProviderKind.SLACK,
                        receiver.url(path),
                        "{clientId}",
                        EventType.CLIENT_CREATED);

        String bad = fixture.events().appendFields(fields);
        String good = fixture.events().append(Events.clientCreated("after-" + Math.abs(reasonStart.hashCode())));

        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        receiver.requests(path).size() == 1 && !fixture.state().pending(good));
        assertThat(receiver.requests(path).getFirst().bodyText()).contains("after-");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> fixture.state().deadLetterOf(bad).isPresent()
                        && !fixture.state().pending(bad));
        DeadLetter letter = fixture.state().deadLetterOf(bad).orElseThrow();
        assertThat(letter.kind()).isEqualTo(DeadLetter.Kind.MALFORMED);
        assertThat(letter.reason()).startsWith(reasonStart);
        assertThat(letter.rawFields()).isEqualTo(fields);
        assertThat(letter.channelId()).isEmpty();
        assertThat(letter.replayable()).isFalse();
        String log = Files.readString(Path.of("target/notification-service-test.log"), StandardCharsets.UTF_8);
        assertThat(log).contains("entry " + bad + " of the events stream is not a valid event (" + reasonStart);
    }
}
