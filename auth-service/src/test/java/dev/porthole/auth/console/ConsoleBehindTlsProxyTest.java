package dev.porthole.auth.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.auth.testing.AdminApi;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Behind a TLS-terminating proxy that Quarkus is told to trust, the session cookie is marked Secure. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@TestProfile(ConsoleBehindTlsProxyTest.TrustedProxy.class)
class ConsoleBehindTlsProxyTest {

    /** auth-service trusts X-Forwarded-* from its proxy. */
    public static class TrustedProxy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.http.proxy.proxy-address-forwarding",
                    "true",
                    "quarkus.http.proxy.allow-x-forwarded",
                    "true");
        }
    }

    @Test
    void cookieIsSecureWhenTheBrowserCameOverHttps() {
        Response overHttps = given().redirects()
                .follow(false)
                .header("X-Forwarded-Proto", "https")
                .formParam("key", AdminApi.ADMIN_KEY)
                .when()
                .post("/console/login");
        assertThat(overHttps.statusCode()).isEqualTo(303);
        assertThat(overHttps.header("Set-Cookie"))
                .contains("Secure")
                .contains("HttpOnly")
                .containsIgnoringCase("SameSite=Strict");

        Response overHttp = given().redirects()
                .follow(false)
                .formParam("key", AdminApi.ADMIN_KEY)
                .when()
                .post("/console/login");
        assertThat(overHttp.header("Set-Cookie")).doesNotContain("Secure");
    }
}
