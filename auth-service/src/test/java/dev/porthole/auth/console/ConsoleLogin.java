package dev.porthole.auth.console;

import static io.restassured.RestAssured.given;

import dev.porthole.auth.testing.AdminApi;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A logged-in console session as a browser holds it: the session cookie and the CSRF token its pages carry. */
record ConsoleLogin(String cookie, String csrf) {

    static final String COOKIE = "porthole_console";
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    /** Logs in with the test profile's admin key and reads the CSRF token from the first page. */
    static ConsoleLogin login() {
        Response login = given().redirects()
                .follow(false)
                .formParam("key", AdminApi.ADMIN_KEY)
                .when()
                .post("/console/login");
        if (login.statusCode() != 303) {
            throw new AssertionError(
                    "login answered " + login.statusCode() + ": " + login.body().asString());
        }
        String cookie = login.getCookie(COOKIE);
        String page = given().redirects()
                .follow(false)
                .cookie(COOKIE, cookie)
                .when()
                .get("/console/clients")
                .body()
                .asString();
        return new ConsoleLogin(cookie, csrfOf(page));
    }

    static String csrfOf(String page) {
        Matcher m = CSRF.matcher(page);
        if (!m.find()) {
            throw new AssertionError("no CSRF field in the page:\n" + page);
        }
        return m.group(1);
    }

    /** A request from this browser: the cookie, no redirects followed. */
    RequestSpecification browser() {
        return given().redirects().follow(false).cookie(COOKIE, cookie);
    }

    /** The HTML of a console page this browser gets (it must answer 200). */
    String page(String path) {
        return browser()
                .when()
                .get(path)
                .then()
                .statusCode(200)
                .extract()
                .body()
                .asString();
    }

    /** A form post from a page of this session (CSRF token included). */
    RequestSpecification form() {
        return browser().formParam("csrf", csrf);
    }
}
