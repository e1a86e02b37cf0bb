package dev.porthole.auth.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.porthole.auth.testing.AdminApi;
import dev.porthole.protocol.admin.AdminTokenKey;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every admin endpoint: 401 without or with an invalid JWT, 403 with a valid JWT lacking the admin role. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class AdminEndpointSecurityTest {

    static Stream<Arguments> endpoints() {
        return Stream.of(
                Arguments.of("POST", "/api/v1/clients", "{\"id\":\"sec-test\"}"),
                Arguments.of("GET", "/api/v1/clients", null),
                Arguments.of("GET", "/api/v1/clients/sec-test", null),
                Arguments.of("PUT", "/api/v1/clients/sec-test/grants", "{\"grants\":{}}"),
                Arguments.of("POST", "/api/v1/clients/sec-test/enable", null),
                Arguments.of("POST", "/api/v1/clients/sec-test/disable", null),
                Arguments.of("POST", "/api/v1/clients/sec-test/secret", null),
                Arguments.of("DELETE", "/api/v1/clients/sec-test", null),
                Arguments.of("POST", "/api/v1/clients/sec-test/tokens", "{\"kind\":\"STATIC\"}"),
                Arguments.of("GET", "/api/v1/clients/sec-test/tokens", null),
                Arguments.of("DELETE", "/api/v1/clients/sec-test/tokens/tok_1", null),
                Arguments.of("GET", "/api/v1/signing-secrets", null),
                Arguments.of("POST", "/api/v1/signing-secrets/rotate", null),
                Arguments.of("DELETE", "/api/v1/signing-secrets/previous", null),
                Arguments.of("GET", "/api/v1/sessions", null),
                Arguments.of("DELETE", "/api/v1/sessions/s-1", null));
    }

    private static io.restassured.response.Response call(
            RequestSpecification request, String method, String path, String body) {
        RequestSpecification spec = request.contentType(ContentType.JSON);
        if (body != null) {
            spec = spec.body(body);
        }
        return spec.when().request(method, path);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("endpoints")
    void answers401WithoutAToken(String method, String path, String body) {
        call(given(), method, path, body)
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("status", equalTo(401));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("endpoints")
    void answers401WithAnInvalidToken(String method, String path, String body) {
        call(given().header("Authorization", "Bearer not.a.jwt"), method, path, body)
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("endpoints")
    void answers403WithoutTheAdminRole(String method, String path, String body) {
        String viewer = Jwt.claims()
                .issuer(AdminTokenKey.ISSUER)
                .audience(AdminTokenKey.AUDIENCE)
                .subject("viewer")
                .groups(Set.of("viewer"))
                .issuedAt(Instant.now())
                .expiresAt(Instant.now().plusSeconds(300))
                .jws()
                .algorithm(SignatureAlgorithm.HS256)
                .sign(AdminTokenKey.derive(AdminApi.ADMIN_KEY));
        call(given().header("Authorization", "Bearer " + viewer), method, path, body)
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("status", equalTo(403));
    }
}
