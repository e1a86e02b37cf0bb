package dev.porthole.notification.delivery;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.startsWith;

import dev.porthole.notification.channel.ChannelRepository;
import dev.porthole.notification.deadletter.DeadLetter;
import dev.porthole.notification.deadletter.DeadLetterStore;
import dev.porthole.notification.provider.ProviderKind;
import dev.porthole.notification.testing.AdminTokens;
import dev.porthole.notification.testing.Events;
import dev.porthole.notification.testing.NotificationFixture;
import dev.porthole.protocol.event.EventType;
import dev.porthole.protocol.event.PortholeEvent;
import dev.porthole.testing.RedisTestResource;
import dev.porthole.testing.WebhookReceiver;
import dev.porthole.testing.WebhookReceiver.Received;
import dev.porthole.testing.WebhookReceiver.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every bound of the service, hit: entries in flight, dead letters kept, flapping holds, channels, request size. */
@QuarkusTest
@QuarkusTestResource(RedisTestResource.class)
@TestProfile(BoundsTest.TightBounds.class)
class BoundsTest {

    /** Small bounds, so that tests reach them. */
    public static class TightBounds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "porthole.notify.consumer.max-in-flight",
                    "4",
                    "porthole.notify.dead-letters.max-len",
                    "3",
                    "porthole.notify.flapping.max-tracked",
                    "2",
                    "porthole.notify.flapping.window",
                    "3s",
                    "porthole.notify.channels.max",
                    "3");
        }
    }

    @Inject
    ChannelRepository repository;

    @Inject
    DeadLetterStore deadLetters;

    private final WebhookReceiver receiver = WebhookReceiver.shared();

    @Inject
    NotificationFixture fixture;

    @Test
    void readsNoMoreThanMaxInFlightEntriesWhileTheChatServiceIsSlow() {
        String path = "/bounds/slow";
        receiver.reply(
                path, Reply.json(200, "{\"errcode\":0,\"errmsg\":\"ok\"}").after(Duration.ofMillis(500)));
        fixture.channels()
                .createText(
                        "bounds-slow",
                        ProviderKind.DINGTALK,
                        receiver.url(path + "?access_token=t"),
                        "{clientId}",
                        EventType.CLIENT_CREATED);
        List<PortholeEvent> burst = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            burst.add(Events.clientCreated("slow-" + i));
        }

        fixture.events().appendAll(burst);

        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.state().pendingCount() == 4);
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(3))
                .until(() -> fixture.state().pendingCount() <= 4);
        await().atMost(Duration.ofSeconds(15))
                .until(() ->
                        receiver.requests(path).size() == 10 && fixture.state().pendingCount() == 0);
        assertThat(receiver.mostConcurrent(path)).isEqualTo(1);
        assertThat(receiver.requests(path).stream().map(Received::bodyText).toList())
                .allSatisfy(body -> assertThat(body).contains("slow-"));
    }

    @Test
    void keepsOnlyTheNewestDeadLettersUpToMaxLen() {
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            bad.add(fixture.events().appendFields(Map.of("event", "broken-" + i)));
        }

        await().atMost(Duration.ofSeconds(10))
                .until(() -> bad.stream().noneMatch(fixture.state()::pending)
                        && fixture.state().deadLetterOf(bad.getLast()).isPresent());
        assertThat(deadLetters.size()).isEqualTo(3);
        assertThat(deadLetters.newest(10))
                .extracting(DeadLetter::sourceId)
                .containsExactly(bad.get(4), bad.get(3), bad.get(2));
    }

    @Test
    void letsEventsPassUnsuppressedWhenTheFlappingTableIsFull() {
        String path = "/bounds/flapping";
        receiver.reply(path, Reply.text(200, "ok"));
        fixture.channels()
                .createText(
                        "bounds-flapping", ProviderKind.SLACK, receiver.url(path), "{name}", EventType.TUNNEL_CLOSED);

        fixture.events()
                .appendAll(List.of(
                        Events.tunnelClosed("c", "first"),
                        Events.tunnelClosed("c", "second"),
                        Events.tunnelClosed("c", "third")));

        // The third tunnel finds both holds taken and goes out at once; the other two wait for the 3 s window.
        await().atMost(Duration.ofMillis(2000))
                .until(() -> receiver.requests(path).size() == 1);
        assertThat(receiver.requests(path).getFirst().bodyText())
                .isEqualTo("{\"text\":\"Porthole · tunnel.closed\\nthird\"}");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.requests(path).size() == 3);
        assertThat(receiver.requests(path).stream().map(Received::bodyText).toList())
                .containsExactlyInAnyOrder(
                        "{\"text\":\"Porthole · tunnel.closed\\nthird\"}",
                        "{\"text\":\"Porthole · tunnel.closed\\nfirst\"}",
                        "{\"text\":\"Porthole · tunnel.closed\\nsecond\"}");
    }

    @Test
    void refusesAChannelBeyondTheMaximum() {
        List<String> ids = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                ids.add(given().auth()
                        .oauth2(AdminTokens.admin())
                        .contentType(ContentType.JSON)
                        .body(Map.of("provider", "slack", "url", "https://hooks.slack.com/services/T/B/" + i))
                        .post("/api/v1/channels")
                        .then()
                        .statusCode(201)
                        .extract()
                        .path("id"));
            }
            given().auth()
                    .oauth2(AdminTokens.admin())
                    .contentType(ContentType.JSON)
                    .body(Map.of("provider", "slack", "url", "https://hooks.slack.com/services/T/B/4"))
                    .post("/api/v1/channels")
                    .then()
                    .statusCode(409)
                    .contentType("application/problem+json")
                    .body(
                            "detail",
                            startsWith(
                                    "there are already 3 channels, the most allowed (PORTHOLE_NOTIFY_CHANNELS_MAX=3)"));
        } finally {
            ids.forEach(repository::delete);
        }
    }

    @Test
    void refusesARequestBodyOverSixtyFourKilobytes() {
        given().auth()
                .oauth2(AdminTokens.admin())
                .contentType(ContentType.JSON)
                .body("{\"provider\":\"slack\",\"url\":\"https://hooks.slack.com/services/T/B/1\",\"template\":\""
                        + "x".repeat(70_000) + "\"}")
                .post("/api/v1/channels")
                .then()
                .statusCode(413);
    }
}
