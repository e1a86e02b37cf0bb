package dev.porthole.auth.config;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import dev.porthole.auth.testing.AdminApi;
import dev.porthole.auth.testing.AgentAuthCalls;
import dev.porthole.protocol.auth.AgentCredentials;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Without PORTHOLE_ADMIN_KEY the admin API and the console answer 503 and say how to set it; agents still authenticate. */
@QuarkusTest
@TestProfile(UnconfiguredSecretsTest.NoAdminKey.class)
@WithTestResource(RedisTestResource.class)
class UnconfiguredSecretsTest {

    /** No bootstrap admin key. */
    public static class NoAdminKey implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("porthole.admin.key", "");
        }
    }

    @Test
    void adminApiAnswers503SayingHowToSetTheKey() {
        for (String path : new String[] {"/api/v1/clients", "/api/v1/sessions", "/api/v1/signing-secrets"}) {
            given().header("Authorization", "Bearer whatever")
                    .when()
                    .get(path)
                    .then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:porthole:problem:admin-key-missing"))
                    .body("detail", containsString("PORTHOLE_ADMIN_KEY is not set"));
        }
        given().header("Authorization", "Bearer " + AdminApi.ADMIN_KEY)
                .when()
                .post("/api/v1/admin/token")
                .then()
                .statusCode(503)
                .body("type", equalTo("urn:porthole:problem:admin-key-missing"));
    }

    @Test
    void consoleLoginSaysHowToSetTheKey() {
        given().when()
                .get("/console/login")
                .then()
                .statusCode(503)
                .body(containsString("The console is off because PORTHOLE_ADMIN_KEY is not set"))
                .body(not(containsString("<form")));
        given().formParam("key", AdminApi.ADMIN_KEY)
                .when()
                .post("/console/login")
                .then()
                .statusCode(503)
                .body(containsString("PORTHOLE_ADMIN_KEY is not set"));
        given().redirects().follow(false).when().get("/console/clients").then().statusCode(303);
    }

    @Test
    void agentAuthStillWorks() {
        AgentAuthCalls.authenticate(new AgentCredentials(null, null, "a1", "10.1.1.1"))
                .then()
                .statusCode(200)
                .body("method", equalTo("PUBLIC"));
        AgentAuthCalls.authenticate("Bearer configured-static-token-0001", null, "10.1.1.1")
                .then()
                .statusCode(200)
                .body("method", equalTo("STATIC_TOKEN"));
    }
}
