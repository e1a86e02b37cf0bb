package dev.porthole.auth.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.porthole.auth.testing.AdminApi;
import dev.porthole.auth.testing.TestJwts;
import dev.porthole.protocol.admin.AdminTokenKey;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.build.Jwt;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import javax.crypto.SecretKey;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/** The bootstrap admin key buys a short-lived admin JWT; only JWTs signed with its derived key get in. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class AdminTokenTest {

    private static String jwt(SecretKey key, String audience, Set<String> groups, Instant expiresAt) {
        return Jwt.claims()
                .issuer(AdminTokenKey.ISSUER)
                .audience(audience)
                .subject("someone")
                .groups(groups)
                .issuedAt(Instant.now().minusSeconds(60))
                .expiresAt(expiresAt)
                .jws()
                .algorithm(SignatureAlgorithm.HS256)
                .sign(key);
    }

    /** A JWT signed with the key derived from the bootstrap admin key, as every service derives it. */
    private static String adminJwt(String audience, Set<String> groups, Instant expiresAt) {
        return jwt(AdminTokenKey.derive(AdminApi.ADMIN_KEY), audience, groups, expiresAt);
    }

    /** GET /api/v1/clients, an admin endpoint, with {@code token} as the bearer. */
    private static ValidatableResponse listClientsWith(String token) {
        return given().header("Authorization", "Bearer " + token)
                .when()
                .get("/api/v1/clients")
                .then();
    }

    @Test
    void issuesAFifteenMinuteAdminJwtSignedWithTheDerivedKey() throws Exception {
        var answer = given().header("Authorization", "Bearer " + AdminApi.ADMIN_KEY)
                .when()
                .post("/api/v1/admin/token")
                .then()
                .statusCode(200)
                .body("tokenType", equalTo("Bearer"))
                .body("expiresIn", equalTo(900))
                .extract();
        JsonWebToken token =
                new DefaultJWTParser().verify(answer.path("accessToken"), AdminTokenKey.derive(AdminApi.ADMIN_KEY));
        assertThat(token.getIssuer()).isEqualTo(AdminTokenKey.ISSUER);
        assertThat(token.getAudience()).containsExactly(AdminTokenKey.AUDIENCE);
        assertThat(token.getGroups()).containsExactly(AdminTokenKey.ADMIN_ROLE);
        assertThat(token.getExpirationTime() - token.getIssuedAtTime())
                .isEqualTo(Duration.ofMinutes(15).toSeconds());
    }

    @Test
    void refusesAWrongAdminKey() {
        given().header("Authorization", "Bearer " + AdminApi.ADMIN_KEY + "x")
                .when()
                .post("/api/v1/admin/token")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("detail", startsWith("send the bootstrap admin key"));
    }

    @Test
    void refusesAMissingAdminKey() {
        given().when().post("/api/v1/admin/token").then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void refusesAdminJwtSignedWithAnyOtherKey() {
        String forged = jwt(
                TestJwts.randomKey(),
                AdminTokenKey.AUDIENCE,
                Set.of("admin"),
                Instant.now().plusSeconds(600));
        listClientsWith(forged)
                .statusCode(401)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:porthole:problem:unauthorized"));
        String otherAdminKey = jwt(
                AdminTokenKey.derive("another-admin-key-0123456789abcdefghijklmnop"),
                AdminTokenKey.AUDIENCE,
                Set.of("admin"),
                Instant.now().plusSeconds(600));
        listClientsWith(otherAdminKey).statusCode(401);
    }

    @Test
    void acceptsAdminJwtSignedWithTheDerivedKeyByAnotherService() {
        String token =
                adminJwt(AdminTokenKey.AUDIENCE, Set.of("admin"), Instant.now().plusSeconds(600));
        listClientsWith(token).statusCode(200);
    }

    @Test
    void refusesExpiredAdminJwt() {
        String token =
                adminJwt(AdminTokenKey.AUDIENCE, Set.of("admin"), Instant.now().minusSeconds(300));
        listClientsWith(token).statusCode(401);
    }

    @Test
    void refusesAdminJwtForAnotherAudience() {
        String token = adminJwt("somewhere-else", Set.of("admin"), Instant.now().plusSeconds(600));
        listClientsWith(token).statusCode(401);
    }

    @Test
    void forbidsValidJwtWithoutTheAdminRole() {
        String token =
                adminJwt(AdminTokenKey.AUDIENCE, Set.of("viewer"), Instant.now().plusSeconds(600));
        listClientsWith(token)
                .statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:porthole:problem:forbidden"));
    }

    @Test
    void refusesTheRawAdminKeyOnOtherEndpoints() {
        listClientsWith(AdminApi.ADMIN_KEY).statusCode(401);
    }
}
