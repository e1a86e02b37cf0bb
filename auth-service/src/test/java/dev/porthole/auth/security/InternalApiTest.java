package dev.porthole.auth.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.porthole.auth.testing.AdminApi;
import dev.porthole.auth.testing.AgentAuthCalls;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/** The service credential on internal endpoints. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class InternalApiTest {

    private static final String BODY =
            "{\"authorization\":null,\"clientId\":null,\"agentId\":\"a\",\"remoteAddress\":\"10.0.0.1\"}";

    @Test
    void refusesCallsWithoutTheServiceCredential() {
        given().contentType(ContentType.JSON)
                .body(BODY)
                .when()
                .post("/internal/v1/agent-auth")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("type", equalTo("urn:porthole:problem:service-unauthorized"))
                .body("detail", startsWith("missing or wrong service credential"));
    }

    @Test
    void refusesCallsWithAWrongServiceCredential() {
        given().header("Authorization", "Bearer test-internal-token-0123456780")
                .contentType(ContentType.JSON)
                .body(BODY)
                .when()
                .post("/internal/v1/agent-auth")
                .then()
                .statusCode(401)
                .body("type", equalTo("urn:porthole:problem:service-unauthorized"));
    }

    @Test
    void refusesTheAdminJwtAsServiceCredential() {
        given().header("Authorization", "Bearer " + AdminApi.adminJwt())
                .contentType(ContentType.JSON)
                .body(BODY)
                .when()
                .post("/internal/v1/agent-auth")
                .then()
                .statusCode(401);
    }

    @Test
    void answersAnEmptyBodyWithAProblem() {
        given().header("Authorization", "Bearer " + AgentAuthCalls.INTERNAL_TOKEN)
                .contentType(ContentType.JSON)
                .when()
                .post("/internal/v1/agent-auth")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }
}
