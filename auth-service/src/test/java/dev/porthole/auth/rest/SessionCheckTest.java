package dev.porthole.auth.rest;

import static dev.porthole.auth.testing.AdminApi.asAdmin;
import static dev.porthole.auth.testing.AdminApi.createClient;
import static dev.porthole.auth.testing.AdminApi.issueStaticToken;
import static dev.porthole.auth.testing.AdminApi.uniqueId;
import static dev.porthole.auth.testing.AgentAuthCalls.INTERNAL_TOKEN;
import static dev.porthole.auth.testing.AgentAuthCalls.authenticate;
import static dev.porthole.auth.testing.AgentAuthCalls.basic;
import static dev.porthole.auth.testing.AgentAuthCalls.uniqueAddress;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porthole.auth.testing.GatewaySessions;
import dev.porthole.protocol.auth.Principal;
import dev.porthole.protocol.auth.SessionCheck;
import dev.porthole.protocol.registry.SessionRecord;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /internal/v1/session-check}: a gateway's live sessions decided again from what Redis
 * holds now, so that a grant change, revoke or kick whose broadcast a gateway missed still reaches them.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class SessionCheckTest {

    @Inject
    RedisDataSource redis;

    @Inject
    ObjectMapper mapper;

    @Test
    void answersTheGrantsOfNowForASessionThatMayGoOn() {
        String id = uniqueId("regrant");
        String secret = createClient(id, Map.of("subdomains", List.of(id + "-a", id + "-b")));
        Principal principal = signIn(id, secret);
        asAdmin()
                .contentType(ContentType.JSON)
                .body(Map.of("grants", Map.of("subdomains", List.of(id + "-b"))))
                .when()
                .put("/api/v1/clients/{id}/grants", id)
                .then()
                .statusCode(200);

        check(new SessionCheck("s-1", principal))
                .then()
                .statusCode(200)
                .body("[0].sessionId", equalTo("s-1"))
                .body("[0].refusal", nullValue())
                .body("[0].principal.grants.subdomains", equalTo(List.of(id + "-b")));
    }

    @Test
    void refusesTheSessionsOfADisabledClientOrARotatedSecret() {
        String disabled = uniqueId("disabled");
        Principal ofDisabled = signIn(disabled, createClient(disabled, Map.of()));
        asAdmin().when().post("/api/v1/clients/{id}/disable", disabled).then().statusCode(200);
        String rotated = uniqueId("rotated");
        Principal ofRotated = signIn(rotated, createClient(rotated, Map.of()));
        asAdmin().when().post("/api/v1/clients/{id}/secret", rotated).then().statusCode(200);

        check(new SessionCheck("s-d", ofDisabled), new SessionCheck("s-r", ofRotated))
                .then()
                .statusCode(200)
                .body("[0].principal", nullValue())
                .body("[0].refusal", equalTo("client '" + disabled + "' was disabled by an administrator"))
                .body("[1].refusal", containsString("was rotated"));
    }

    @Test
    void answersKickedForASessionAnAdministratorKicked() throws Exception {
        String id = uniqueId("kicked");
        Principal principal = signIn(id, createClient(id, Map.of()));
        String sessionId = "s-kicked-" + id;
        Instant expiry = Instant.now().plusSeconds(60);
        GatewaySessions.publish(
                redis,
                mapper,
                new SessionRecord(sessionId, "gw-a", id, "agent-1", "10.0.0.9", Instant.now(), List.of(), 0, 0),
                expiry);
        asAdmin().when().delete("/api/v1/sessions/{id}", sessionId).then().statusCode(202);

        check(new SessionCheck(sessionId, principal), new SessionCheck("s-other", principal))
                .then()
                .statusCode(200)
                .body("[0].kicked", equalTo(true))
                .body("[0].refusal", equalTo("an administrator ended this session"))
                .body("[1].kicked", equalTo(false))
                .body("[1].refusal", nullValue());
    }

    @Test
    void anIssuedTokenOfAClientCalledStaticStandsUntilItIsRevoked() {
        String id = "static-" + uniqueId("named");
        createClient(id, Map.of("subdomains", List.of("x")));
        var issued = issueStaticToken(id);
        Principal principal = authenticate("Bearer " + issued.path("value"), id, uniqueAddress())
                .then()
                .statusCode(200)
                .extract()
                .as(Principal.class);

        check(new SessionCheck("s-static", principal))
                .then()
                .statusCode(200)
                .body("[0].refusal", nullValue())
                .body("[0].principal.grants.subdomains", equalTo(List.of("x")));
        asAdmin()
                .when()
                .delete("/api/v1/clients/{id}/tokens/{tokenId}", id, issued.path("token.id"))
                .then()
                .statusCode(204);
        check(new SessionCheck("s-static", principal))
                .then()
                .statusCode(200)
                .body("[0].refusal", equalTo("the credential this agent used was revoked; get a new one"));
    }

    @Test
    void refusesMoreThanAThousandSessionsInOneRequest() {
        String id = uniqueId("many");
        Principal principal = signIn(id, createClient(id, Map.of()));
        check(Collections.nCopies(1_001, new SessionCheck("s", principal)).toArray(SessionCheck[]::new))
                .then()
                .statusCode(400)
                .body("detail", equalTo("at most 1000 sessions per request; 1001 were sent"));
    }

    private static Principal signIn(String id, String secret) {
        return authenticate(basic(id, secret), id, uniqueAddress())
                .then()
                .statusCode(200)
                .extract()
                .as(Principal.class);
    }

    private static Response check(SessionCheck... checks) {
        return given().header("Authorization", "Bearer " + INTERNAL_TOKEN)
                .contentType(ContentType.JSON)
                .body(List.of(checks))
                .when()
                .post("/internal/v1/session-check");
    }
}
