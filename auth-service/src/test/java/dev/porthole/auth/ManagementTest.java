package dev.porthole.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Health, metrics and the OpenAPI document. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class ManagementTest {

    @ConfigProperty(name = "quarkus.management.test-port")
    int managementPort;

    private String management(String path) {
        return "http://localhost:" + managementPort + path;
    }

    @Test
    void readinessChecksRedis() {
        given().when().get(management("/q/health/ready")).then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Redis")));
        given().when().get(management("/q/health/live")).then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void countsAuthFailuresByReason() {
        AgentAuthCalls.authenticate("Bearer pht_not-a-token", null, AgentAuthCalls.uniqueAddress()).then().statusCode(401);
        given().when().get(management("/q/metrics")).then().statusCode(200)
                .body(containsString("porthole_auth_failures_total{reason=\"bad-credentials\"}"));
    }

    @Test
    void servesTheOpenApiDocumentAndSwaggerUi() {
        given().when().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/clients"))
                .body("paths", org.hamcrest.Matchers.hasKey("/internal/v1/agent-auth"))
                .body("components.securitySchemes", org.hamcrest.Matchers.hasKey("adminJwt"));
        given().when().get("/q/swagger-ui/").then().statusCode(200);
    }
}
