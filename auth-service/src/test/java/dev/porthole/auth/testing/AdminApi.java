package dev.porthole.auth.testing;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.UUID;

/** Calls the admin API the way an operator does: admin key, then admin JWT. */
public final class AdminApi {

    /** The bootstrap admin key of the test profile. */
    public static final String ADMIN_KEY = "test-admin-key-0123456789abcdefghijklmnop";

    private AdminApi() {}

    public static String adminJwt() {
        return given().header("Authorization", "Bearer " + ADMIN_KEY)
                .when()
                .post("/api/v1/admin/token")
                .then()
                .statusCode(200)
                .extract()
                .path("accessToken");
    }

    /** A request carrying a fresh admin JWT and a JSON content type. */
    public static RequestSpecification asAdmin() {
        return given().header("Authorization", "Bearer " + adminJwt()).contentType(ContentType.JSON);
    }

    /** A client id no other test uses (tests share one Redis). */
    public static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates a client with these grants and returns its secret. */
    public static String createClient(String id, Map<String, Object> grants) {
        return asAdmin()
                .body(Map.of("id", id, "grants", grants))
                .when()
                .post("/api/v1/clients")
                .then()
                .statusCode(201)
                .extract()
                .path("clientSecret");
    }

    /** Issues a static token for the client; the 201 answer holds {@code value} and {@code token.id}. */
    public static ExtractableResponse<Response> issueStaticToken(String clientId) {
        return asAdmin()
                .body(Map.of("kind", "STATIC"))
                .when()
                .post("/api/v1/clients/{id}/tokens", clientId)
                .then()
                .statusCode(201)
                .extract();
    }

    /** Issues a JWT for the client, valid for {@code lifetimeSeconds}; the 201 answer holds {@code value} and {@code token.id}. */
    public static ExtractableResponse<Response> issueJwt(String clientId, int lifetimeSeconds) {
        return asAdmin()
                .body(Map.of("kind", "JWT", "lifetimeSeconds", lifetimeSeconds))
                .when()
                .post("/api/v1/clients/{id}/tokens", clientId)
                .then()
                .statusCode(201)
                .extract();
    }
}
