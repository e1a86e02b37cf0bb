package dev.porthole.notification.channel;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.porthole.notification.testing.AdminTokens;
import dev.porthole.notification.testing.Events;
import dev.porthole.notification.testing.Hmac;
import dev.porthole.notification.testing.NotificationFixture;
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
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The simple case: NOTIFICATION_PROVIDER, NOTIFICATION_URL and NOTIFICATION_SECRET define the channel "default". */
@QuarkusTest
@QuarkusTestResource(RedisTestResource.class)
@TestProfile(DefaultChannelTest.NotificationSettings.class)
class DefaultChannelTest {

    @Inject
    NotificationFixture fixture;

    static final String PATH = "/default/open-apis/bot/v2/hook/DEFAULT-HOOK-KEY";
    static final String SECRET = "default-feishu-secret";

    /** The NOTIFICATION_* settings, as the environment would give them. */
    public static class NotificationSettings implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            WebhookReceiver.shared().reply(PATH, Reply.json(200, "{\"code\":0,\"data\":{},\"msg\":\"success\"}"));
            return Map.of(
                    "NOTIFICATION_PROVIDER",
                    "feishu",
                    "NOTIFICATION_URL",
                    WebhookReceiver.shared().url(PATH),
                    "NOTIFICATION_SECRET",
                    SECRET,
                    "porthole.notify.default-channel.event-types",
                    "client.disabled,limit.hit,cert.renewal-failed",
                    "porthole.notify.default-channel.format",
                    "text",
                    "porthole.notify.default-channel.template",
                    "{type} {clientId} {host}");
        }
    }

    private final WebhookReceiver receiver = WebhookReceiver.shared();

    @Test
    void deliversSignedToTheChannelTheEnvironmentDefines() throws Exception {
        int before = receiver.requests(PATH).size();

        fixture.events().append(Events.clientCreated("filtered-out"));
        fixture.events().append(new PortholeEvent.ClientDisabled("c-default", "admin"));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.requests(PATH).size() == before + 1);
        Received request = receiver.requests(PATH).getLast();
        String body = request.bodyText();
        String timestamp = body.substring("{\"timestamp\":\"".length(), body.indexOf("\",\"sign\""));
        String sign = Hmac.base64(timestamp + "\n" + SECRET, "");
        assertThat(body)
                .isEqualTo("{\"timestamp\":\"" + timestamp + "\",\"sign\":\"" + sign + "\",\"msg_type\":\"text\","
                        + "\"content\":{\"text\":\"Porthole · client.disabled\\nclient.disabled c-default -\"}}");
    }

    @Test
    void forwardsACertificateRenewalFailureFromTheGateway() throws Exception {
        int before = receiver.requests(PATH).size();

        fixture.events()
                .append(new PortholeEvent.CertificateRenewalFailed(
                        "gw-1",
                        "app.example.com",
                        "the ACME CA did not issue a certificate for app.example.com: the CA at https://ca.example/dir cannot be reached",
                        "2027-03-01T00:00:00Z"));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.requests(PATH).size() == before + 1);
        assertThat(receiver.requests(PATH).getLast().bodyText())
                .contains("Porthole · cert.renewal-failed\\ncert.renewal-failed - app.example.com");
    }

    @Test
    void showsTheDefaultChannelMaskedAndReadOnly() {
        given().auth()
                .oauth2(AdminTokens.admin())
                .get("/api/v1/channels/default")
                .then()
                .statusCode(200)
                .body("provider", equalTo("feishu"))
                .body("url", equalTo("http://127.0.0.1:" + receiver.port() + "/***"))
                .body("secretSet", equalTo(true))
                .body("origin", equalTo("config"))
                .body("format", equalTo("text"));
        given().auth()
                .oauth2(AdminTokens.admin())
                .contentType(ContentType.JSON)
                .body(Map.of("minSeverity", "critical"))
                .put("/api/v1/channels/default")
                .then()
                .statusCode(409)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(AdminTokens.admin())
                .delete("/api/v1/channels/default")
                .then()
                .statusCode(409);
    }
}
