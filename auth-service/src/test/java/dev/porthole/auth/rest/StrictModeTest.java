package dev.porthole.auth.rest;

import static dev.porthole.auth.testing.AdminApi.createClient;
import static dev.porthole.auth.testing.AdminApi.issueJwt;
import static dev.porthole.auth.testing.AdminApi.uniqueId;
import static dev.porthole.auth.testing.AgentAuthCalls.authenticate;
import static dev.porthole.auth.testing.AgentAuthCalls.uniqueAddress;
import static org.hamcrest.Matchers.equalTo;

import dev.porthole.auth.jwt.SigningKey;
import dev.porthole.auth.service.SigningKeyService;
import dev.porthole.auth.testing.TestJwts;
import dev.porthole.protocol.auth.AgentCredentials;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Public mode switched off and a JWT audience configured. */
@QuarkusTest
@TestProfile(StrictModeTest.Strict.class)
@WithTestResource(RedisTestResource.class)
class StrictModeTest {

    /** No public sessions; JWTs must be for audience {@code porthole-gateway}. */
    public static class Strict implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("porthole.auth.public.enabled", "false", "porthole.auth.jwt.audience", "porthole-gateway");
        }
    }

    @Inject
    SigningKeyService signingKeys;

    @Test
    void refusesAgentsWithoutCredentialsWhenPublicModeIsOff() {
        authenticate(new AgentCredentials(null, null, "a1", uniqueAddress()))
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:porthole:problem:public-mode-off"))
                .body(
                        "detail",
                        equalTo(
                                "public mode is switched off on this server; connect with a token or client credentials from an administrator"));
    }

    @Test
    void refusesJwtForAnotherAudience() {
        String id = uniqueId("aud");
        createClient(id, Map.of());
        authenticate("Bearer " + currentKeyJwt(id, "elsewhere"), id, uniqueAddress())
                .then()
                .statusCode(401)
                .body("type", equalTo("urn:porthole:problem:wrong-audience"))
                .body(
                        "detail",
                        equalTo("authentication failed: the JWT's audience (aud) is not the one this server expects"));
        authenticate("Bearer " + currentKeyJwt(id, null), id, uniqueAddress())
                .then()
                .statusCode(401)
                .body("type", equalTo("urn:porthole:problem:wrong-audience"));
    }

    @Test
    void acceptsJwtForTheConfiguredAudience() {
        String id = uniqueId("aud");
        createClient(id, Map.of());
        authenticate("Bearer " + currentKeyJwt(id, "porthole-gateway"), id, uniqueAddress())
                .then()
                .statusCode(200);
        String issued = issueJwt(id, 600).path("value");
        authenticate("Bearer " + issued, id, uniqueAddress()).then().statusCode(200);
    }

    /** A JWT for the client signed with the current signing key, valid for ten minutes, for this audience (null: none). */
    private String currentKeyJwt(String clientId, String audience) {
        SigningKey key = signingKeys.currentKey();
        Instant now = Instant.now();
        return TestJwts.signed(
                key.secretKey(), key.kid(), clientId, now.minusSeconds(5), now.plusSeconds(600), audience);
    }
}
