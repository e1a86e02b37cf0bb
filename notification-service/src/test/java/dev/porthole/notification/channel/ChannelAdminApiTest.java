package dev.porthole.notification.channel;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import dev.porthole.notification.testing.AdminTokens;
import dev.porthole.testing.RedisTestResource;
import dev.porthole.testing.WebhookReceiver;
import dev.porthole.testing.WebhookReceiver.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The channels admin API: admin JWT required, problem details, validation of every field, secrets never returned. */
@QuarkusTest
@QuarkusTestResource(RedisTestResource.class)
class ChannelAdminApiTest {

    private final WebhookReceiver receiver = WebhookReceiver.shared();
    private final List<String> created = new ArrayList<>();

    @AfterEach
    void tearDown() {
        created.forEach(id -> admin().delete("/api/v1/channels/" + id));
    }

    private static RequestSpecification admin() {
        return given().auth().oauth2(AdminTokens.admin()).contentType(ContentType.JSON);
    }

    private Response create(Map<String, Object> body) {
        Response response = admin().body(body).post("/api/v1/channels");
        if (response.statusCode() == 201) {
            created.add(response.path("id"));
        }
        return response;
    }

    @Test
    void answers401ProblemWithoutAToken() {
        given().get("/api/v1/channels")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("status", equalTo(401))
                .body("title", equalTo("Unauthorized"));
    }

    @Test
    void answers401ToATokenSignedWithAnotherKey() {
        given().auth()
                .oauth2(AdminTokens.signedWithOtherKey())
                .get("/api/v1/channels")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
    }

    @Test
    void answers401ToAnExpiredToken() {
        given().auth()
                .oauth2(AdminTokens.expired())
                .get("/api/v1/dead-letters")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
    }

    @Test
    void answers403ToATokenWithoutTheAdminRole() {
        given().auth()
                .oauth2(AdminTokens.withoutAdminRole())
                .get("/api/v1/channels")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("status", equalTo(403))
                .body("title", equalTo("Forbidden"));
    }

    @Test
    void createsListsGetsUpdatesAndDeletesAChannel() {
        Response createdResponse = create(Map.of(
                "id",
                "ops-dingtalk",
                "provider",
                "dingtalk",
                "url",
                "https://oapi.dingtalk.com/robot/send?access_token=SUPERSECRETTOKEN",
                "secret",
                "SECsupersecretsigning",
                "eventTypes",
                List.of("tunnel.closed", "auth.failed"),
                "minSeverity",
                "warning",
                "template",
                "{type}: {name}"));
        createdResponse
                .then()
                .statusCode(201)
                .header("Location", endsWith("/api/v1/channels/ops-dingtalk"))
                .body("id", equalTo("ops-dingtalk"))
                .body("provider", equalTo("dingtalk"))
                .body("url", equalTo("https://oapi.dingtalk.com/***"))
                .body("urlFingerprint", startsWith("sha256:"))
                .body("secretSet", equalTo(true))
                .body("eventTypes", containsInAnyOrder("tunnel.closed", "auth.failed"))
                .body("minSeverity", equalTo("warning"))
                .body("format", equalTo("rich"))
                .body("origin", equalTo("api"));
        String fingerprint = createdResponse.path("urlFingerprint");

        admin().get("/api/v1/channels").then().statusCode(200).body("id", hasItem("ops-dingtalk"));
        admin().get("/api/v1/channels/ops-dingtalk").then().statusCode(200).body("template", equalTo("{type}: {name}"));

        admin().body(Map.of("minSeverity", "critical", "eventTypes", List.of(), "format", "text"))
                .put("/api/v1/channels/ops-dingtalk")
                .then()
                .statusCode(200)
                .body("minSeverity", equalTo("critical"))
                .body("eventTypes", equalTo(List.of()))
                .body("format", equalTo("text"))
                .body("urlFingerprint", equalTo(fingerprint))
                .body("secretSet", equalTo(true));
        admin().body(Map.of("secret", ""))
                .put("/api/v1/channels/ops-dingtalk")
                .then()
                .statusCode(200)
                .body("secretSet", equalTo(false));

        admin().delete("/api/v1/channels/ops-dingtalk").then().statusCode(204);
        admin().get("/api/v1/channels/ops-dingtalk")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("no channel 'ops-dingtalk'"));
    }

    @Test
    void neverAnswersWithTheWebhookUrlOrTheSecret() {
        String url = "https://open.feishu.cn/open-apis/bot/v2/hook/HOOKKEY-4242";
        String body = create(Map.of("provider", "feishu", "url", url, "secret", "FEISHU-SIGNING-4242"))
                .then()
                .statusCode(201)
                .extract()
                .asString();
        String id = created.getLast();
        String list = admin().get("/api/v1/channels").asString();
        String one = admin().get("/api/v1/channels/" + id).asString();

        for (String answer : List.of(body, list, one)) {
            assertThat(answer)
                    .doesNotContain("HOOKKEY-4242")
                    .doesNotContain("FEISHU-SIGNING-4242")
                    .doesNotContain("/hook/");
        }
        assertThat(id).matches("ch-[a-z0-9]{10}");
    }

    @Test
    void namesEveryInvalidFieldInOneProblem() {
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("id", "Not Valid!");
        body.put("provider", "teams");
        body.put("url", "ftp://example.com/hook");
        body.put("eventTypes", List.of("tunnel.closed", "tunnel.exploded"));
        body.put("minSeverity", "loud");
        body.put("template", "{type} {nosuchfield}");
        body.put("format", "html");

        admin().body(body)
                .post("/api/v1/channels")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("title", equalTo("Invalid request"))
                .body(
                        "errors.field",
                        containsInAnyOrder("id", "provider", "url", "eventTypes", "minSeverity", "template", "format"))
                .body(
                        "errors.find { it.field == 'eventTypes' }.message",
                        equalTo("unknown event type 'tunnel.exploded'"))
                .body(
                        "errors.find { it.field == 'template' }.message",
                        startsWith("unknown placeholder(s) [{nosuchfield}]"));
    }

    @Test
    void refusesASecretForAServiceThatDoesNotSign() {
        admin().body(Map.of("provider", "slack", "url", "https://hooks.slack.com/services/T/B/X", "secret", "s"))
                .post("/api/v1/channels")
                .then()
                .statusCode(400)
                .body("errors.field", equalTo(List.of("secret")))
                .body("errors[0].message", equalTo("slack does not sign requests; leave the secret out"));
    }

    @Test
    void requiresProviderAndUrl() {
        admin().body(Map.of())
                .post("/api/v1/channels")
                .then()
                .statusCode(400)
                .body("errors.field", containsInAnyOrder("provider", "url"));
    }

    @Test
    void refusesASecondChannelWithTheSameId() {
        create(Map.of("id", "twice", "provider", "slack", "url", "https://hooks.slack.com/services/T/B/1"))
                .then()
                .statusCode(201);
        create(Map.of("id", "twice", "provider", "slack", "url", "https://hooks.slack.com/services/T/B/2"))
                .then()
                .statusCode(409)
                .contentType("application/problem+json");
    }

    @Test
    void refusesTheReservedDefaultId() {
        create(Map.of("id", "default", "provider", "slack", "url", "https://hooks.slack.com/services/T/B/3"))
                .then()
                .statusCode(400)
                .body("errors.field", equalTo(List.of("id")));
    }

    @Test
    void answersUnreadableJsonWithAProblem() {
        admin().body("{\"provider\": ")
                .post("/api/v1/channels")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("title", equalTo("Unreadable request body"));
    }

    @Test
    void sendsATestMessageAndReturnsTheServicesVerdict() {
        String okPath = "/admin-test/ok";
        String badPath = "/admin-test/refused";
        receiver.reply(okPath, Reply.json(200, "{\"errcode\":0,\"errmsg\":\"ok\"}"));
        receiver.reply(badPath, Reply.json(200, "{\"errcode\":310000,\"errmsg\":\"sign not match\"}"));
        create(Map.of(
                "id",
                "test-ok",
                "provider",
                "dingtalk",
                "url",
                receiver.url(okPath + "?access_token=t"),
                "format",
                "text"));
        create(Map.of(
                "id",
                "test-bad",
                "provider",
                "dingtalk",
                "url",
                receiver.url(badPath + "?access_token=t"),
                "secret",
                "SECx"));

        admin().post("/api/v1/channels/test-ok/test")
                .then()
                .statusCode(200)
                .body("outcome", equalTo("delivered"))
                .body("delivered", equalTo(true))
                .body("detail", equalTo(""));
        admin().post("/api/v1/channels/test-bad/test")
                .then()
                .statusCode(200)
                .body("outcome", equalTo("rejected"))
                .body("delivered", equalTo(false))
                .body("detail", equalTo("errcode 310000: sign not match"));

        assertThat(receiver.requests(okPath)).hasSize(1);
        assertThat(receiver.requests(okPath).getFirst().bodyText())
                .startsWith(
                        "{\"msgtype\":\"text\",\"text\":{\"content\":"
                                + "\"Porthole · test\\nTest message from Porthole notification-service for channel test-ok.\\nchannel: test-ok\\nat: ");
        assertThat(receiver.requests(badPath).getFirst().rawQuery()).startsWith("access_token=t&timestamp=");
    }

    @Test
    void answers429WithRetryAfterWhenTheChannelsRateLimitIsUsedUp() {
        String path = "/admin-test/slack";
        receiver.reply(path, Reply.text(200, "ok"));
        create(Map.of("id", "test-slack", "provider", "slack", "url", receiver.url(path)));

        admin().post("/api/v1/channels/test-slack/test").then().statusCode(200).body("delivered", equalTo(true));
        admin().post("/api/v1/channels/test-slack/test")
                .then()
                .statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", equalTo("1"))
                .body("detail", startsWith("channel 'test-slack' has used its slack rate limit"));
        assertThat(receiver.requests(path)).hasSize(1);
    }

    @Test
    void answers404ProblemsForUnknownChannels() {
        admin().post("/api/v1/channels/nope/test").then().statusCode(404).contentType("application/problem+json");
        admin().body(Map.of("minSeverity", "info"))
                .put("/api/v1/channels/nope")
                .then()
                .statusCode(404);
        admin().delete("/api/v1/channels/nope").then().statusCode(404).body(not(equalTo("")));
    }
}
