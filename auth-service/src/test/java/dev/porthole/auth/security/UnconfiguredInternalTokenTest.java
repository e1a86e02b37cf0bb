package dev.porthole.auth.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.porthole.auth.testing.AdminApi;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Without PORTHOLE_INTERNAL_TOKEN internal endpoints refuse everything with a clear 503. */
@QuarkusTest
@TestProfile(UnconfiguredInternalTokenTest.NoInternalToken.class)
@WithTestResource(RedisTestResource.class)
class UnconfiguredInternalTokenTest {

    /** No service credential. */
    public static class NoInternalToken implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("porthole.internal.token", "");
        }
    }

    @Test
    void internalEndpointsAnswer503() {
        given().header("Authorization", "Bearer anything-at-all")
                .contentType(ContentType.JSON)
                .body("{\"agentId\":\"a\",\"remoteAddress\":\"10.0.0.1\"}")
                .when()
                .post("/internal/v1/agent-auth")
                .then()
                .statusCode(503)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:porthole:problem:internal-token-missing"))
                .body("detail", containsString("PORTHOLE_INTERNAL_TOKEN is not set"));
    }

    @Test
    void adminApiStillWorks() {
        AdminApi.asAdmin().when().get("/api/v1/clients").then().statusCode(200);
    }
}
