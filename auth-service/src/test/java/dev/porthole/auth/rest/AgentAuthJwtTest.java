package dev.porthole.auth.rest;

import static dev.porthole.auth.testing.AdminApi.asAdmin;
import static dev.porthole.auth.testing.AdminApi.issueJwt;
import static dev.porthole.auth.testing.AdminApi.uniqueId;
import static dev.porthole.auth.testing.AgentAuthCalls.authenticate;
import static dev.porthole.auth.testing.AgentAuthCalls.uniqueAddress;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.porthole.auth.jwt.SigningKey;
import dev.porthole.auth.service.SigningKeyService;
import dev.porthole.auth.testing.AdminApi;
import dev.porthole.auth.testing.TestJwts;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Agent JWTs: the websocktunnel rules, enforced for real. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class AgentAuthJwtTest {

    @Inject
    SigningKeyService signingKeys;

    String clientId;

    @BeforeEach
    void createClient() {
        clientId = uniqueId("jwt");
        AdminApi.createClient(clientId, Map.of("subdomains", List.of(clientId)));
    }

    private static Instant now() {
        return Instant.now();
    }

    private void refused(String jwt, String sentClientId, String reason, String detailStart) {
        authenticate("Bearer " + jwt, sentClientId, uniqueAddress())
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:porthole:problem:" + reason))
                .body("status", equalTo(401))
                .body("detail", startsWith(detailStart));
    }

    @Test
    void acceptsJwtSignedWithCurrentSecret() {
        SigningKey current = signingKeys.currentKey();
        authenticate("Bearer " + TestJwts.valid(current, clientId), clientId, uniqueAddress())
                .then()
                .statusCode(200)
                .body("clientId", equalTo(clientId))
                .body("method", equalTo("JWT"))
                .body("signingKeyId", equalTo(current.kid()))
                .body("grants.subdomains", equalTo(List.of(clientId)))
                .body("sessionLifetimeSeconds", equalTo(0));
    }

    @Test
    void acceptsJwtIssuedByTheAdminApi() {
        String jwt = issueJwt(clientId, 3600).path("value");
        authenticate("Bearer " + jwt, clientId, uniqueAddress())
                .then()
                .statusCode(200)
                .body("method", equalTo("JWT"))
                .body("credentialId", startsWith("jwt_"));
    }

    @Test
    void refusesJwtSignedWithUnknownSecret() {
        String jwt = TestJwts.signed(
                TestJwts.randomKey(),
                signingKeys.currentKey().kid(),
                clientId,
                now().minusSeconds(5),
                now().plusSeconds(3600),
                null);
        refused(jwt, clientId, "bad-signature", "authentication failed: the JWT was not accepted");
    }

    @Test
    void refusesJwtWithUnknownKid() {
        String jwt = TestJwts.signed(
                signingKeys.currentKey().secretKey(),
                "k-unknown",
                clientId,
                now().minusSeconds(5),
                now().plusSeconds(3600),
                null);
        refused(jwt, clientId, "unknown-key", "authentication failed: the JWT was not accepted");
    }

    @Test
    void refusesAlgNone() {
        refused(
                TestJwts.unsigned(signingKeys.currentKey().kid(), clientId),
                clientId,
                "bad-algorithm",
                "authentication failed: the JWT must be signed with HS256 (alg 'none' is refused)");
    }

    @Test
    void refusesMismatchedTid() {
        refused(
                TestJwts.valid(signingKeys.currentKey(), clientId),
                "someone-else",
                "tid-mismatch",
                "authentication failed: the JWT's tid claim does not match");
    }

    @Test
    void refusesJwtWithoutClientIdHeader() {
        refused(
                TestJwts.valid(signingKeys.currentKey(), clientId),
                null,
                "tid-mismatch",
                "authentication failed: the JWT's tid claim does not match");
    }

    @Test
    void refusesExpiredJwt() {
        SigningKey key = signingKeys.currentKey();
        String jwt = TestJwts.signed(
                key.secretKey(), key.kid(), clientId, now().minusSeconds(7200), now().minusSeconds(3600), null);
        refused(jwt, clientId, "expired", "authentication failed: the JWT has expired");
    }

    @Test
    void acceptsJwtExpiredWithinTheClockSkew() {
        SigningKey key = signingKeys.currentKey();
        String jwt = TestJwts.signed(
                key.secretKey(), key.kid(), clientId, now().minusSeconds(7200), now().minusSeconds(5), null);
        authenticate("Bearer " + jwt, clientId, uniqueAddress()).then().statusCode(200);
    }

    @Test
    void refusesNotYetValidJwt() {
        SigningKey key = signingKeys.currentKey();
        String jwt = TestJwts.signed(
                key.secretKey(), key.kid(), clientId, now().plusSeconds(3600), now().plusSeconds(7200), null);
        refused(jwt, clientId, "not-yet-valid", "authentication failed: the JWT is not valid yet");
    }

    @Test
    void refusesJwtWithoutExp() {
        SigningKey key = signingKeys.currentKey();
        String jwt = TestJwts.hs256(
                key.secretKey(),
                "{\"alg\":\"HS256\",\"kid\":\"" + key.kid() + "\"}",
                "{\"tid\":\"" + clientId + "\",\"iat\":" + now().getEpochSecond() + ",\"nbf\":"
                        + now().minusSeconds(5).getEpochSecond() + "}");
        refused(jwt, clientId, "missing-claims", "authentication failed: the JWT lacks a required claim");
    }

    @Test
    void refusesJwtWithoutNbf() {
        SigningKey key = signingKeys.currentKey();
        String jwt = TestJwts.hs256(
                key.secretKey(),
                "{\"alg\":\"HS256\",\"kid\":\"" + key.kid() + "\"}",
                "{\"tid\":\"" + clientId + "\",\"iat\":" + now().getEpochSecond() + ",\"exp\":"
                        + now().plusSeconds(3600).getEpochSecond() + "}");
        refused(jwt, clientId, "missing-claims", "authentication failed: the JWT lacks a required claim");
    }

    @Test
    void refusesJwtWithoutIat() {
        SigningKey key = signingKeys.currentKey();
        String jwt = TestJwts.hs256(
                key.secretKey(),
                "{\"alg\":\"HS256\",\"kid\":\"" + key.kid() + "\"}",
                "{\"tid\":\"" + clientId + "\",\"nbf\":" + now().minusSeconds(5).getEpochSecond() + ",\"exp\":"
                        + now().plusSeconds(3600).getEpochSecond() + "}");
        refused(jwt, clientId, "missing-claims", "authentication failed: the JWT lacks a required claim");
    }

    @Test
    void refusesJwtWithoutTid() {
        SigningKey key = signingKeys.currentKey();
        String jwt =
                TestJwts.signed(key.secretKey(), key.kid(), null, now().minusSeconds(5), now().plusSeconds(3600), null);
        refused(jwt, clientId, "missing-claims", "authentication failed: the JWT lacks a required claim");
    }

    @Test
    void refusesJwtValidForThirtyTwoDays() {
        SigningKey key = signingKeys.currentKey();
        Instant nbf = now().minusSeconds(60);
        String jwt = TestJwts.signed(key.secretKey(), key.kid(), clientId, nbf, nbf.plus(Duration.ofDays(32)), null);
        refused(jwt, clientId, "validity-too-long", "authentication failed: the JWT is valid for more than 31 days");
    }

    @Test
    void acceptsJwtValidForExactlyThirtyOneDays() {
        SigningKey key = signingKeys.currentKey();
        Instant nbf = now().minusSeconds(60);
        String jwt = TestJwts.signed(key.secretKey(), key.kid(), clientId, nbf, nbf.plus(Duration.ofDays(31)), null);
        authenticate("Bearer " + jwt, clientId, uniqueAddress()).then().statusCode(200);
    }

    @Test
    void refusesJwtForUnknownClientWithTheGenericDetail() {
        String ghost = uniqueId("ghost");
        authenticate("Bearer " + TestJwts.valid(signingKeys.currentKey(), ghost), ghost, uniqueAddress())
                .then()
                .statusCode(401)
                .body("type", equalTo("urn:porthole:problem:unknown-client"))
                .body("detail", equalTo(dev.porthole.auth.service.AgentAuthentication.BAD_CREDENTIALS));
    }

    @Test
    void refusesJwtOfDisabledClientWithForbidden() {
        asAdmin().when().post("/api/v1/clients/{id}/disable", clientId).then().statusCode(200);
        authenticate("Bearer " + TestJwts.valid(signingKeys.currentKey(), clientId), clientId, uniqueAddress())
                .then()
                .statusCode(403)
                .body("type", equalTo("urn:porthole:problem:client-disabled"))
                .body("detail", equalTo("client '" + clientId + "' is disabled; ask an administrator to enable it"));
    }

    @Test
    void acceptsJwtWhateverItsAudienceWhenNoneIsConfigured() {
        SigningKey key = signingKeys.currentKey();
        String jwt = TestJwts.signed(
                key.secretKey(), key.kid(), clientId, now().minusSeconds(5), now().plusSeconds(600), "elsewhere");
        authenticate("Bearer " + jwt, clientId, uniqueAddress()).then().statusCode(200);
    }

    @Test
    void refusesRevokedJwt() {
        var issued = issueJwt(clientId, 3600);
        String jwt = issued.path("value");
        String tokenId = issued.path("token.id");
        asAdmin()
                .when()
                .delete("/api/v1/clients/{id}/tokens/{tokenId}", clientId, tokenId)
                .then()
                .statusCode(204);
        refused(jwt, clientId, "revoked", "authentication failed: this token has been revoked");
    }
}
