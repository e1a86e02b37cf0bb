package dev.porthole.notification;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.notification.testing.AdminTokens;
import dev.porthole.notification.testing.Events;
import dev.porthole.notification.testing.NotificationFixture;
import dev.porthole.testing.RedisTestResource;
import dev.porthole.testing.WebhookReceiver;
import dev.porthole.testing.WebhookReceiver.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Webhook keys and signing secrets appear in no log line, no API answer and no dead letter. */
@QuarkusTest
@QuarkusTestResource(RedisTestResource.class)
class SecretsStayOutOfLogsTest {

    @Inject
    NotificationFixture fixture;

    private static final String KEY = "KEY-7f3a9c1e5b";
    private static final String SECRET = "SEC-d2b8e4a6c0";

    private final WebhookReceiver receiver = WebhookReceiver.shared();

    @Test
    void neitherTheKeyInTheUrlNorTheSecretIsEverWrittenOut() throws Exception {
        String path = "/secrets/robot/send";
        // A timeout first (Vert.x names the request URI in its timeout message), then a refusal.
        receiver.reply(
                path,
                Reply.json(200, "{}").after(Duration.ofMillis(2600)),
                Reply.json(200, "{\"errcode\":310000,\"errmsg\":\"sign not match\"}"));
        String answer = given().auth()
                .oauth2(AdminTokens.admin())
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "id",
                        "secretive",
                        "provider",
                        "dingtalk",
                        "url",
                        receiver.url(path + "?access_token=" + KEY),
                        "secret",
                        SECRET,
                        "eventTypes",
                        List.of("client.created"),
                        "template",
                        "{clientId}"))
                .post("/api/v1/channels")
                .then()
                .statusCode(201)
                .extract()
                .asString();
        String entry = fixture.events().append(Events.clientCreated("c-secret"));
        await().atMost(Duration.ofSeconds(15))
                .until(() -> fixture.state().deadLetterOf(entry).isPresent());
        // A connection failure too: a channel whose port refuses.
        String refused = given().auth()
                .oauth2(AdminTokens.admin())
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "id",
                        "secretive-refused",
                        "provider",
                        "feishu",
                        "url",
                        "http://127.0.0.1:1/hook/" + KEY,
                        "secret",
                        SECRET))
                .post("/api/v1/channels/")
                .then()
                .statusCode(201)
                .extract()
                .asString();
        String verdict = given().auth()
                .oauth2(AdminTokens.admin())
                .post("/api/v1/channels/secretive-refused/test")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        String deadLetterList = given().auth()
                .oauth2(AdminTokens.admin())
                .get("/api/v1/dead-letters")
                .asString();
        given().auth().oauth2(AdminTokens.admin()).delete("/api/v1/channels/secretive");
        given().auth().oauth2(AdminTokens.admin()).delete("/api/v1/channels/secretive-refused");

        assertThat(receiver.requests(path).getFirst().rawQuery()).contains(KEY);
        assertThat(verdict).contains("\"outcome\":\"retry\"");
        String log = Files.readString(Path.of("target/notification-service-test.log"), StandardCharsets.UTF_8);
        assertThat(log)
                .contains("channel secretive: attempt 1 of event client.created")
                .contains("failed (no answer within 2000ms)");
        for (String text : List.of(log, answer, refused, verdict, deadLetterList)) {
            assertThat(text).doesNotContain(KEY).doesNotContain(SECRET);
        }
    }
}
