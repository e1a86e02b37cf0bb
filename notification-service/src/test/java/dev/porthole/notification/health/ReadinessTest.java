package dev.porthole.notification.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.porthole.notification.provider.ProviderKind;
import dev.porthole.notification.testing.Events;
import dev.porthole.notification.testing.NotificationFixture;
import dev.porthole.protocol.event.EventType;
import dev.porthole.testing.RedisServerProcess;
import dev.porthole.testing.WebhookReceiver;
import dev.porthole.testing.WebhookReceiver.Reply;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Readiness follows Redis; liveness stays up; delivery resumes when Redis is back (with an empty database). */
@QuarkusTest
@QuarkusTestResource(value = ReadinessTest.OwnRedis.class, restrictToAnnotatedClass = true)
class ReadinessTest {

    @Inject
    NotificationFixture fixture;

    /** A Redis of this class's own, so that stopping it disturbs no other test. */
    public static class OwnRedis implements QuarkusTestResourceLifecycleManager {
        static RedisServerProcess redis;

        @Override
        public Map<String, String> start() {
            redis = RedisServerProcess.startOnFreePort();
            return Map.of("quarkus.redis.hosts", redis.url(), "quarkus.redis.devservices.enabled", "false");
        }

        @Override
        public void stop() {
            redis.stop();
        }
    }

    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;

    @TestHTTPResource(value = "/health/live", management = true)
    URL live;

    @Inject
    RedisDataSource redis;

    private final WebhookReceiver receiver = WebhookReceiver.shared();

    @Test
    void isNotReadyWhileRedisIsDownAndDeliversAgainWhenItIsBack() {
        given().get(ready).then().statusCode(200).body("status", equalTo("UP"));

        OwnRedis.redis.stop();
        await().atMost(Duration.ofSeconds(15)).until(() -> given().get(ready).statusCode() == 503);
        given().get(live).then().statusCode(200).body("status", equalTo("UP"));

        OwnRedis.redis.start();
        await().atMost(Duration.ofSeconds(15)).until(() -> given().get(ready).statusCode() == 200);

        String path = "/readiness/after-restart";
        receiver.reply(path, Reply.text(200, "ok"));
        fixture.channels()
                .createText(
                        "after-restart",
                        ProviderKind.SLACK,
                        receiver.url(path),
                        "{clientId}",
                        EventType.CLIENT_CREATED);
        fixture.events().append(Events.clientCreated("back-again"));

        await().atMost(Duration.ofSeconds(15))
                .until(() -> receiver.requests(path).size() == 1);
        assertThat(receiver.requests(path).getFirst().bodyText()).contains("back-again");
        fixture.channels().removeAll();
    }
}
