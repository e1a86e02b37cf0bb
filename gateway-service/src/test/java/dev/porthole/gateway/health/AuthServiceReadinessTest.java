package dev.porthole.gateway.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;

import com.sun.net.httpserver.HttpServer;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles;
import dev.porthole.testing.FreePorts;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gateway is ready only while the auth-service it is configured to ask answers. */
@QuarkusTest
@TestProfile(AuthServiceReadinessTest.WithAuthService.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class AuthServiceReadinessTest {

    /** A real HTTP server standing in for auth-service's API port; it answers 404 to everything. */
    static final int AUTH_PORT = FreePorts.loopback();

    private static HttpServer authService = startAuthService();

    public static final class WithAuthService extends GatewayTestProfiles.Overrides {
        public WithAuthService() {
            super("""
                    porthole.gateway.auth.tokens=
                    porthole.gateway.auth.service-url=http://127.0.0.1:%d
                    porthole.gateway.auth.service-timeout=500ms
                    porthole.internal.token=test-internal-token-0123456789
                    """.formatted(AUTH_PORT));
        }
    }

    @AfterEach
    void restart() {
        if (authService == null) {
            authService = startAuthService();
        }
    }

    @Test
    void isReadyWhileAuthServiceAnswers() {
        await().untilAsserted(() ->
                given().get("/q/health/ready").then().statusCode(200).body("checks.name", hasItem("auth-service")));
    }

    @Test
    void isNotReadyWhileAuthServiceIsDownAndReadyAgainWhenItReturns() {
        authService.stop(0);
        authService = null;
        await().untilAsserted(() -> given().get("/q/health/ready")
                .then()
                .statusCode(503)
                .body("checks.find { it.name == 'auth-service' }.status", org.hamcrest.Matchers.equalTo("DOWN"))
                .body(
                        "checks.find { it.name == 'auth-service' }.data.url",
                        org.hamcrest.Matchers.equalTo("http://127.0.0.1:" + AUTH_PORT)));

        authService = startAuthService();
        await().untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    }

    private static HttpServer startAuthService() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", AUTH_PORT), 0);
            server.createContext("/", exchange -> {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
