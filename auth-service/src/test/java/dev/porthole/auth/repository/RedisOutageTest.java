package dev.porthole.auth.repository;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.porthole.auth.testing.AgentAuthCalls;
import dev.porthole.protocol.auth.AgentCredentials;
import dev.porthole.testing.RedisServerProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Readiness follows Redis; while Redis is away agents get a clear 503 (public sessions still work). */
@QuarkusTest
@WithTestResource(value = RedisOutageTest.OwnRedis.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
class RedisOutageTest {

    /** A redis-server of this class's own, so that stopping it disturbs no other test. */
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

    @ConfigProperty(name = "quarkus.management.test-port")
    int managementPort;

    @AfterEach
    void redisBack() {
        OwnRedis.redis.start();
    }

    private int readiness() {
        return given().when()
                .get("http://localhost:" + managementPort + "/q/health/ready")
                .statusCode();
    }

    @Test
    void readinessGoesDownAndUpWithRedis() {
        await().atMost(Duration.ofSeconds(10)).until(() -> readiness() == 200);
        OwnRedis.redis.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> readiness() == 503);
        OwnRedis.redis.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> readiness() == 200);
    }

    @Test
    void answersAgentsWithA503WhileRedisIsAway() {
        OwnRedis.redis.stop();
        AgentAuthCalls.authenticate(AgentAuthCalls.basic("ci-runner", "secret"), "ci-runner", "10.3.3.3")
                .then()
                .statusCode(503)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:porthole:problem:unavailable"))
                .body(
                        "detail",
                        equalTo(
                                "authentication unavailable: auth-service cannot reach Redis; retrying later will help"));
        AgentAuthCalls.authenticate(new AgentCredentials(null, null, "a1", "10.3.3.3"))
                .then()
                .statusCode(200)
                .body("method", equalTo("PUBLIC"));
        OwnRedis.redis.start();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> AgentAuthCalls.authenticate(
                                AgentAuthCalls.basic("ci-runner", "secret"), "ci-runner", "10.3.3.4")
                        .then()
                        .statusCode(401));
    }
}
