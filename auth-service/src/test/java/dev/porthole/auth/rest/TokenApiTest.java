package dev.porthole.auth.rest;

import static dev.porthole.auth.testing.AdminApi.asAdmin;
import static dev.porthole.auth.testing.AdminApi.createClient;
import static dev.porthole.auth.testing.AdminApi.issueStaticToken;
import static dev.porthole.auth.testing.AdminApi.uniqueId;
import static dev.porthole.auth.testing.AgentAuthCalls.authenticate;
import static dev.porthole.auth.testing.AgentAuthCalls.uniqueAddress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.porthole.testing.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issuing, listing and revoking tokens. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class TokenApiTest {

    @Inject
    RedisDataSource redis;

    @Test
    void issuesAStaticTokenShownOnceAndStoredOnlyAsItsHash() {
        String id = uniqueId("tok");
        createClient(id, Map.of());
        var issued = asAdmin()
                .body(Map.of("kind", "STATIC", "description", "laptop"))
                .when()
                .post("/api/v1/clients/{id}/tokens", id)
                .then()
                .statusCode(201)
                .body("token.kind", equalTo("STATIC"))
                .body("token.clientId", equalTo(id))
                .body("token.description", equalTo("laptop"))
                .body("token.expiresAt", nullValue())
                .body("value", startsWith("pht_"))
                .extract();
        String value = issued.path("value");
        String tokenId = issued.path("token.id");
        assertThat(redis.value(String.class).get("porthole:token:" + tokenId)).doesNotContain(value);
        asAdmin()
                .when()
                .get("/api/v1/clients/{id}/tokens", id)
                .then()
                .statusCode(200)
                .body("id", equalTo(List.of(tokenId)))
                .body("[0]", not(hasKey("value")))
                .body("[0]", not(hasKey("sha256")));
    }

    @Test
    void issuesAJwtWithTheChosenLifetime() {
        String id = uniqueId("tok");
        createClient(id, Map.of());
        asAdmin()
                .body(Map.of("kind", "jwt", "lifetimeSeconds", 7 * 24 * 3600))
                .when()
                .post("/api/v1/clients/{id}/tokens", id)
                .then()
                .statusCode(201)
                .body("token.kind", equalTo("JWT"))
                .body("token.keyId", notNullValue())
                .body("token.expiresAt", notNullValue())
                .body("value", org.hamcrest.Matchers.matchesPattern("[\\w-]+\\.[\\w-]+\\.[\\w-]+"));
    }

    @Test
    void requiresALifetimeForAJwt() {
        String id = uniqueId("tok");
        createClient(id, Map.of());
        asAdmin()
                .body(Map.of("kind", "JWT"))
                .when()
                .post("/api/v1/clients/{id}/tokens", id)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", equalTo(List.of("lifetimeSeconds")));
    }

    @Test
    void refusesALifetimeOverThirtyOneDays() {
        String id = uniqueId("tok");
        createClient(id, Map.of());
        asAdmin()
                .body(Map.of("kind", "JWT", "lifetimeSeconds", 31L * 24 * 3600 + 1))
                .when()
                .post("/api/v1/clients/{id}/tokens", id)
                .then()
                .statusCode(400)
                .body("errors.field", equalTo(List.of("lifetimeSeconds")));
        asAdmin()
                .body(Map.of("kind", "JWT", "lifetimeSeconds", 31L * 24 * 3600))
                .when()
                .post("/api/v1/clients/{id}/tokens", id)
                .then()
                .statusCode(201);
    }

    @Test
    void refusesAMissingOrUnknownKind() {
        String id = uniqueId("tok");
        createClient(id, Map.of());
        asAdmin()
                .body(Map.of())
                .when()
                .post("/api/v1/clients/{id}/tokens", id)
                .then()
                .statusCode(400)
                .body("errors.field", equalTo(List.of("kind")));
        asAdmin()
                .body(Map.of("kind", "PASSWORD"))
                .when()
                .post("/api/v1/clients/{id}/tokens", id)
                .then()
                .statusCode(400)
                .body("errors.field", equalTo(List.of("kind")));
    }

    @Test
    void refusesTokensBeyondThePerClientBound() {
        String id = uniqueId("tok");
        createClient(id, Map.of());
        for (int i = 0; i < 5; i++) {
            asAdmin()
                    .body(Map.of("kind", "STATIC"))
                    .when()
                    .post("/api/v1/clients/{id}/tokens", id)
                    .then()
                    .statusCode(201);
        }
        asAdmin()
                .body(Map.of("kind", "STATIC"))
                .when()
                .post("/api/v1/clients/{id}/tokens", id)
                .then()
                .statusCode(409)
                .body("detail", startsWith("client '" + id + "' already holds 5 tokens"));
    }

    @Test
    void answers404ForTokensOfAnUnknownClient() {
        asAdmin()
                .when()
                .get("/api/v1/clients/{id}/tokens", "nobody-here")
                .then()
                .statusCode(404);
        asAdmin()
                .body(Map.of("kind", "STATIC"))
                .when()
                .post("/api/v1/clients/{id}/tokens", "nobody-here")
                .then()
                .statusCode(404);
    }

    @Test
    void revokesAStaticTokenSoThatItStopsWorking() {
        String id = uniqueId("tok");
        createClient(id, Map.of());
        var issued = issueStaticToken(id);
        String value = issued.path("value");
        authenticate("Bearer " + value, null, uniqueAddress()).then().statusCode(200);
        asAdmin()
                .when()
                .delete("/api/v1/clients/{id}/tokens/{tokenId}", id, issued.path("token.id"))
                .then()
                .statusCode(204);
        authenticate("Bearer " + value, null, uniqueAddress()).then().statusCode(401);
        asAdmin().when().get("/api/v1/clients/{id}/tokens", id).then().body("size()", equalTo(0));
        asAdmin()
                .when()
                .delete("/api/v1/clients/{id}/tokens/{tokenId}", id, issued.path("token.id"))
                .then()
                .statusCode(404);
    }
}
