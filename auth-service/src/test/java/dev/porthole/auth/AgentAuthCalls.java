package dev.porthole.auth;

import static io.restassured.RestAssured.given;

import dev.porthole.protocol.auth.AgentCredentials;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Asks {@code POST /internal/v1/agent-auth} the way a gateway does. */
final class AgentAuthCalls {

    /** The service credential of the test profile. */
    static final String INTERNAL_TOKEN = "test-internal-token-0123456789";

    private AgentAuthCalls() {
    }

    static Response authenticate(String authorization, String clientId, String address) {
        return authenticate(new AgentCredentials(authorization, clientId, "agent-1", address));
    }

    static Response authenticate(AgentCredentials credentials) {
        return given().header("Authorization", "Bearer " + INTERNAL_TOKEN).contentType(ContentType.JSON)
                .body(credentials)
                .when().post("/internal/v1/agent-auth");
    }

    static String basic(String clientId, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** A loopback-looking address no other test uses, so that failure counters do not meet. */
    static String uniqueAddress() {
        return "10.99." + (int) (Math.random() * 250) + "." + (int) (Math.random() * 250) + "-" + System.nanoTime();
    }
}
