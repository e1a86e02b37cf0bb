package dev.porthole.auth.testing;

import static io.restassured.RestAssured.given;

import dev.porthole.protocol.auth.AgentCredentials;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/** Asks {@code POST /internal/v1/agent-auth} the way a gateway does. */
public final class AgentAuthCalls {

    /** The service credential of the test profile. */
    public static final String INTERNAL_TOKEN = "test-internal-token-0123456789";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicInteger NEXT = new AtomicInteger();

    private AgentAuthCalls() {}

    public static Response authenticate(String authorization, String clientId, String address) {
        return authenticate(new AgentCredentials(authorization, clientId, "agent-1", address));
    }

    public static Response authenticate(AgentCredentials credentials) {
        return given().header("Authorization", "Bearer " + INTERNAL_TOKEN)
                .contentType(ContentType.JSON)
                .body(credentials)
                .when()
                .post("/internal/v1/agent-auth");
    }

    public static String basic(String clientId, String secret) {
        return "Basic "
                + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** An IPv6 address in a /64 no other test uses (failures count per /64), so that failure counters do not meet. */
    public static String uniqueAddress() {
        return "fd00:%x:%x:%x::7"
                .formatted(RANDOM.nextInt(0x10000), RANDOM.nextInt(0x10000), NEXT.incrementAndGet() & 0xffff);
    }
}
