package dev.porthole.notification.deadletter;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.porthole.notification.provider.ProviderKind;
import dev.porthole.notification.testing.AdminTokens;
import dev.porthole.notification.testing.Events;
import dev.porthole.notification.testing.NotificationFixture;
import dev.porthole.protocol.event.EventType;
import dev.porthole.testing.RedisTestResource;
import dev.porthole.testing.WebhookReceiver;
import dev.porthole.testing.WebhookReceiver.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Dead letters over the admin API: listed newest first, replayed to their channel only, discarded. */
@QuarkusTest
@QuarkusTestResource(RedisTestResource.class)
class DeadLetterApiTest {

    private final WebhookReceiver receiver = WebhookReceiver.shared();

    @Inject
    NotificationFixture fixture;

    private static RequestSpecification admin() {
        return given().auth().oauth2(AdminTokens.admin());
    }

    @Test
    void replaysAFailedEventToItsChannelOnly() {
        String refusing = "/dead-api/refusing";
        String accepting = "/dead-api/accepting";
        receiver.reply(refusing, Reply.text(404, "no_service"));
        receiver.reply(accepting, Reply.text(200, "ok"));
        fixture.channels()
                .createText(
                        "dl-refusing",
                        ProviderKind.SLACK,
                        receiver.url(refusing),
                        "{clientId}",
                        EventType.CLIENT_DELETED);
        fixture.channels()
                .createText(
                        "dl-accepting",
                        ProviderKind.SLACK,
                        receiver.url(accepting),
                        "{clientId}",
                        EventType.CLIENT_DELETED);

        String entry = fixture.events()
                .append(new dev.porthole.protocol.event.PortholeEvent.ClientDeleted("c-replay", "admin"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> fixture.state().deadLetterOf(entry).isPresent()
                        && !fixture.state().pending(entry));
        String deadId = fixture.state().deadLetterOf(entry).orElseThrow().id().orElseThrow();

        admin().get("/api/v1/dead-letters/" + deadId)
                .then()
                .statusCode(200)
                .body("kind", equalTo("rejected"))
                .body("channel", equalTo("dl-refusing"))
                .body("sourceId", equalTo(entry))
                .body("reason", equalTo("slack refused it: HTTP 404: no_service"))
                .body("replayable", equalTo(true))
                .body("event.type", equalTo("client.deleted"))
                .body("event.data.clientId", equalTo("c-replay"));
        admin().get("/api/v1/dead-letters?limit=5").then().statusCode(200).body("[0].id", equalTo(deadId));

        receiver.reply(refusing, Reply.text(200, "ok"));
        String replayEntry = admin().post("/api/v1/dead-letters/" + deadId + "/replay")
                .then()
                .statusCode(202)
                .body("deadLetterId", equalTo(deadId))
                .body("channel", equalTo("dl-refusing"))
                .extract()
                .path("entryId");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.requests(refusing).size() == 2
                        && !fixture.state().pending(replayEntry));
        assertThat(receiver.requests(refusing).get(1).bodyText())
                .isEqualTo("{\"text\":\"Porthole · client.deleted\\nc-replay\"}");
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(2))
                .until(() -> receiver.requests(accepting).size() == 1);
        admin().get("/api/v1/dead-letters/" + deadId).then().statusCode(404);
    }

    @Test
    void refusesToReplayAMalformedEntry() {
        String entry = fixture.events().appendFields(Map.of("event", "garbage"));
        String deadId = fixture.state().awaitDeadLetter(entry).id().orElseThrow();

        admin().get("/api/v1/dead-letters/" + deadId)
                .then()
                .statusCode(200)
                .body("kind", equalTo("malformed"))
                .body("replayable", equalTo(false))
                .body("event", equalTo("garbage"))
                .body("raw.event", equalTo("garbage"));
        admin().post("/api/v1/dead-letters/" + deadId + "/replay")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", startsWith("dead letter " + deadId + " is a malformed entry"));
    }

    @Test
    void refusesToReplayToAChannelThatNoLongerExists() {
        String path = "/dead-api/gone";
        receiver.reply(path, Reply.text(410, "channel_is_archived"));
        fixture.channels()
                .createText("dl-gone", ProviderKind.SLACK, receiver.url(path), "{clientId}", EventType.CLIENT_CREATED);
        String entry = fixture.events().append(Events.clientCreated("c-gone"));
        String deadId = fixture.state().awaitDeadLetter(entry).id().orElseThrow();
        fixture.channels().removeAll();

        admin().post("/api/v1/dead-letters/" + deadId + "/replay")
                .then()
                .statusCode(409)
                .body("detail", equalTo("channel 'dl-gone' no longer exists; create it again to replay this event"));
    }

    @Test
    void discardsADeadLetter() {
        String entry = fixture.events().appendFields(Map.of("nothing", "here"));
        String deadId = fixture.state().awaitDeadLetter(entry).id().orElseThrow();

        admin().delete("/api/v1/dead-letters/" + deadId).then().statusCode(204);
        admin().get("/api/v1/dead-letters/" + deadId).then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void validatesTheLimitAndTheId() {
        admin().get("/api/v1/dead-letters?limit=0").then().statusCode(400).body("errors[0].field", equalTo("limit"));
        admin().get("/api/v1/dead-letters?limit=1001").then().statusCode(400).body("errors[0].field", equalTo("limit"));
        admin().get("/api/v1/dead-letters/not-an-id").then().statusCode(400).body("errors[0].field", equalTo("id"));
        given().get("/api/v1/dead-letters").then().statusCode(401);
    }
}
