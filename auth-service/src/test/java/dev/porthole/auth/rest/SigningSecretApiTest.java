package dev.porthole.auth.rest;

import static dev.porthole.auth.testing.AdminApi.asAdmin;
import static dev.porthole.auth.testing.AdminApi.createClient;
import static dev.porthole.auth.testing.AdminApi.issueJwt;
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

import dev.porthole.auth.jwt.SigningKey;
import dev.porthole.auth.service.SigningKeyService;
import dev.porthole.auth.testing.TestJwts;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rotating and retiring JWT signing secrets: JWTs signed with the previous secret keep working until it
 * is retired. One test walks the whole cycle because the secrets are shared state.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class SigningSecretApiTest {

    @Inject
    SigningKeyService signingKeys;

    @Test
    void rotatesKeepsThePreviousSecretWorkingAndRetiresIt() {
        String id = uniqueId("rot");
        createClient(id, Map.of());
        // Clear any previous secret left by other test classes sharing this Redis.
        asAdmin().when().delete("/api/v1/signing-secrets/previous");

        SigningKey first = signingKeys.currentKey();
        asAdmin()
                .when()
                .get("/api/v1/signing-secrets")
                .then()
                .statusCode(200)
                .body("current.kid", equalTo(first.kid()))
                .body("current", not(hasKey("secret")))
                .body("previous", nullValue());
        String signedWithFirst = TestJwts.valid(first, id);
        String issuedWithFirst = issueJwt(id, 3600).path("value");

        String second = asAdmin()
                .when()
                .post("/api/v1/signing-secrets/rotate")
                .then()
                .statusCode(200)
                .body("previous.kid", equalTo(first.kid()))
                .body("current.kid", notNullValue())
                .extract()
                .path("current.kid");
        assertThat(second).isNotEqualTo(first.kid());

        authenticate("Bearer " + signedWithFirst, id, uniqueAddress())
                .then()
                .statusCode(200)
                .body("signingKeyId", equalTo(first.kid()));
        authenticate("Bearer " + issuedWithFirst, id, uniqueAddress()).then().statusCode(200);
        String signedWithSecond = TestJwts.valid(signingKeys.currentKey(), id);
        authenticate("Bearer " + signedWithSecond, id, uniqueAddress())
                .then()
                .statusCode(200)
                .body("signingKeyId", equalTo(second));

        asAdmin()
                .when()
                .post("/api/v1/signing-secrets/rotate")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body(
                        "detail",
                        startsWith(
                                "the previous signing secret '" + first.kid() + "' is still active; retire it first"));

        asAdmin()
                .when()
                .delete("/api/v1/signing-secrets/previous")
                .then()
                .statusCode(200)
                .body("current.kid", equalTo(second))
                .body("previous", nullValue());

        authenticate("Bearer " + signedWithFirst, id, uniqueAddress())
                .then()
                .statusCode(401)
                .body("type", equalTo("urn:porthole:problem:unknown-key"));
        authenticate("Bearer " + issuedWithFirst, id, uniqueAddress()).then().statusCode(401);
        authenticate("Bearer " + signedWithSecond, id, uniqueAddress()).then().statusCode(200);

        asAdmin()
                .when()
                .delete("/api/v1/signing-secrets/previous")
                .then()
                .statusCode(409)
                .body("detail", equalTo("there is no previous signing secret to retire; rotate first"));
    }
}
