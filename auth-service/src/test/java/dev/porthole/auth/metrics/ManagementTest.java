package dev.porthole.auth.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.porthole.auth.testing.AgentAuthCalls;
import dev.porthole.testing.PrometheusText;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Health, metrics and the OpenAPI document. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class ManagementTest {

    @Inject
    RedisDataSource redis;

    @ConfigProperty(name = "quarkus.management.test-port")
    int managementPort;

    private String management(String path) {
        return "http://localhost:" + managementPort + path;
    }

    @Test
    void readinessChecksRedis() {
        given().when()
                .get(management("/q/health/ready"))
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Redis")));
        given().when().get(management("/q/health/live")).then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void countsAuthFailuresByReason() {
        AgentAuthCalls.authenticate("Bearer pht_not-a-token", null, AgentAuthCalls.uniqueAddress())
                .then()
                .statusCode(401);
        AgentAuthCalls.authenticate("Token abc", null, AgentAuthCalls.uniqueAddress())
                .then()
                .statusCode(401);
        given().when()
                .get(management("/q/metrics"))
                .then()
                .statusCode(200)
                .body(containsString("porthole_auth_failures_total{reason=\"bad-credentials\"}"))
                .body(containsString("porthole_auth_failures_total{reason=\"malformed-authorization\"}"));
    }

    @Test
    void countsFailedRedisCommands() {
        double before = redisFailures();
        assertThatThrownBy(() -> redis.execute("PORTHOLE-NO-SUCH-COMMAND")).hasMessageContaining("unknown command");
        assertThat(redisFailures()).isGreaterThanOrEqualTo(before + 1);
    }

    private double redisFailures() {
        String body = given().when()
                .get(management("/q/metrics"))
                .then()
                .statusCode(200)
                .extract()
                .asString();
        return PrometheusText.sum(body, "redis_commands_failure_total");
    }

    @Test
    void servesTheOpenApiDocument() {
        given().when()
                .get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/clients"))
                .body("paths", org.hamcrest.Matchers.hasKey("/internal/v1/agent-auth"))
                .body("components.securitySchemes", org.hamcrest.Matchers.hasKey("adminJwt"));
    }

    @Test
    void servesSwaggerUi() {
        given().when().get("/q/swagger-ui/").then().statusCode(200);
    }
}
