package dev.porthole.auth.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import dev.porthole.auth.testing.AdminApi;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The console's login: the admin key opens a cookie session; without one every page sends the browser to the login page. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class ConsoleLoginTest {

    private static final List<String> PAGES = List.of(
            "/console",
            "/console/clients",
            "/console/sessions",
            "/console/signing-secrets",
            "/console/notifications",
            "/console/events",
            "/console/clients/x/delete");

    @Test
    void rightKeyOpensAnHttpOnlySameSiteStrictSession() {
        Response login = given().redirects()
                .follow(false)
                .formParam("key", AdminApi.ADMIN_KEY)
                .when()
                .post("/console/login");
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(login.header("Location")).endsWith("/console/clients");
        String setCookie = login.header("Set-Cookie");
        assertThat(setCookie)
                .startsWith(ConsoleLogin.COOKIE + "=")
                .contains("HttpOnly")
                .containsIgnoringCase("SameSite=Strict")
                .contains("Path=/console")
                .doesNotContain("Secure");
        ConsoleLogin session = ConsoleLogin.login();
        session.browser()
                .when()
                .get("/console/clients")
                .then()
                .statusCode(200)
                .header("Cache-Control", "no-store")
                .header("X-Frame-Options", "DENY")
                .body(containsString("Log out"));
    }

    @Test
    void wrongKeyIsRefusedOnTheLoginPage() {
        Response login = given().redirects()
                .follow(false)
                .formParam("key", "not-the-admin-key-0123456789abcdefgh")
                .when()
                .post("/console/login");
        assertThat(login.statusCode()).isEqualTo(401);
        assertThat(login.getCookie(ConsoleLogin.COOKIE)).isNull();
        assertThat(login.body().asString())
                .contains("That is not the admin key")
                .contains("<form method=\"post\" action=\"/console/login\">");
    }

    @Test
    void everyPageSendsABrowserWithoutSessionToTheLogin() {
        for (String page : PAGES) {
            given().redirects()
                    .follow(false)
                    .when()
                    .get(page)
                    .then()
                    .statusCode(303)
                    .header("Location", endsWith("/console/login"));
        }
        given().redirects()
                .follow(false)
                .cookie(ConsoleLogin.COOKIE, "eyJhbGciOiJIUzI1NiJ9.e30.forged")
                .when()
                .get("/console/clients")
                .then()
                .statusCode(303)
                .header("Location", endsWith("/console/login?expired=true"));
    }

    @Test
    void anHtmxRefreshWithoutSessionIsToldToGoToTheLogin() {
        given().redirects()
                .follow(false)
                .header("HX-Request", "true")
                .when()
                .get("/console/sessions")
                .then()
                .statusCode(401)
                .header("HX-Redirect", equalTo("/console/login"));
    }

    @Test
    void actionsWithoutSessionChangeNothing() {
        String id = AdminApi.uniqueId("nosession");
        AdminApi.createClient(id, java.util.Map.of());
        given().redirects()
                .follow(false)
                .formParam("csrf", "whatever")
                .when()
                .post("/console/clients/" + id + "/disable")
                .then()
                .statusCode(303)
                .header("Location", endsWith("/console/login"));
        AdminApi.asAdmin().when().get("/api/v1/clients/" + id).then().body("enabled", equalTo(true));
    }

    @Test
    void logoutClearsTheCookie() {
        ConsoleLogin session = ConsoleLogin.login();
        Response logout = session.form().when().post("/console/logout");
        assertThat(logout.statusCode()).isEqualTo(303);
        assertThat(logout.header("Location")).endsWith("/console/login?out=true");
        assertThat(logout.header("Set-Cookie"))
                .startsWith(ConsoleLogin.COOKIE + "=;")
                .contains("Max-Age=0");
        given().when()
                .get("/console/login?out=true")
                .then()
                .statusCode(200)
                .body(containsString("You are logged out."));
        // a copy of the cookie kept after logout opens nothing
        session.browser()
                .when()
                .get("/console/clients")
                .then()
                .statusCode(303)
                .header("Location", endsWith("/console/login?expired=true"));
    }

    @Test
    void anApiAdminTokenIsNotAConsoleSessionWithoutTheCookie() {
        given().redirects()
                .follow(false)
                .header("Authorization", "Bearer " + AdminApi.adminJwt())
                .when()
                .get("/console/clients")
                .then()
                .statusCode(303);
    }
}
