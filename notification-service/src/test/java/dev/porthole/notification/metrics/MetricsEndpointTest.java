package dev.porthole.notification.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.porthole.notification.provider.ProviderKind;
import dev.porthole.notification.testing.Events;
import dev.porthole.notification.testing.NotificationFixture;
import dev.porthole.protocol.event.EventType;
import dev.porthole.testing.PrometheusText;
import dev.porthole.testing.RedisTestResource;
import dev.porthole.testing.WebhookReceiver;
import dev.porthole.testing.WebhookReceiver.Reply;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Prometheus metrics on the management port: deliveries by provider and outcome, retries, dead letters, summaries. */
@QuarkusTest
@QuarkusTestResource(RedisTestResource.class)
class MetricsEndpointTest {

    @Inject
    NotificationFixture fixture;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @TestHTTPResource(value = "/health/live", management = true)
    URL live;

    @Inject
    RedisDataSource redis;

    private final WebhookReceiver receiver = WebhookReceiver.shared();

    @Test
    void countsFailedRedisCommands() {
        double before = redisFailures();
        assertThatThrownBy(() -> redis.execute("PORTHOLE-NO-SUCH-COMMAND")).hasMessageContaining("unknown command");
        assertThat(redisFailures()).isGreaterThanOrEqualTo(before + 1);
    }

    private double redisFailures() {
        return PrometheusText.sum(
                given().get(metrics).then().statusCode(200).extract().asString(), "redis_commands_failure_total");
    }

    @Test
    void exportsDeliveriesRetriesAndDeadLettersWithoutAnAdminToken() {
        String path = "/metrics/feishu";
        receiver.reply(
                path,
                Reply.json(200, "{\"code\":11232,\"msg\":\"frequency limited\"}"),
                Reply.json(200, "{\"code\":0,\"msg\":\"success\"}"));
        fixture.channels()
                .createText(
                        "metrics-feishu", ProviderKind.FEISHU, receiver.url(path), "{type}", EventType.CLIENT_CREATED);

        String delivered = fixture.events().append(Events.clientCreated("c-metrics"));
        String malformed = fixture.events().appendFields(Map.of("event", "oops"));
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        !fixture.state().pending(delivered) && !fixture.state().pending(malformed));

        String body = given().get(metrics).then().statusCode(200).extract().asString();
        assertThat(body)
                .containsPattern(
                        "porthole_notify_deliveries_total\\{[^}]*outcome=\"delivered\",provider=\"feishu\"[^}]*} [1-9]")
                .containsPattern(
                        "porthole_notify_deliveries_total\\{[^}]*outcome=\"retry\",provider=\"feishu\"[^}]*} [1-9]")
                .containsPattern("porthole_notify_retries_total\\{[^}]*provider=\"feishu\"[^}]*} [1-9]")
                .containsPattern("porthole_notify_dead_letters_total\\{[^}]*kind=\"malformed\"[^}]*} [1-9]")
                .containsPattern("porthole_notify_entries_total\\{[^}]*outcome=\"routed\"[^}]*} [1-9]")
                .contains("porthole_notify_in_flight");
        given().get(live).then().statusCode(200);
    }
}
