package dev.porthole.auth.console;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.porthole.auth.testing.AdminApi;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every state-changing console form needs the session's CSRF token, and posts from another site are refused. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class ConsoleCsrfTest {

    @Test
    void everyActionRefusesAMissingOrWrongTokenAndChangesNothing() {
        ConsoleLogin session = ConsoleLogin.login();
        String id = AdminApi.uniqueId("csrf");
        AdminApi.createClient(id, Map.of());
        List<String> actions = List.of(
                "/console/clients",
                "/console/clients/" + id + "/disable",
                "/console/clients/" + id + "/enable",
                "/console/clients/" + id + "/secret",
                "/console/clients/" + id + "/delete",
                "/console/sessions/s-1/kick",
                "/console/signing-secrets/rotate",
                "/console/signing-secrets/retire",
                "/console/notifications/default/test",
                "/console/logout");
        for (String action : actions) {
            session.browser()
                    .formParam("id", "csrf-made")
                    .when()
                    .post(action)
                    .then()
                    .statusCode(403)
                    .body(containsString("CSRF token does not match"));
            session.browser()
                    .formParam("csrf", "forged")
                    .formParam("id", "csrf-made")
                    .when()
                    .post(action)
                    .then()
                    .statusCode(403);
        }
        AdminApi.asAdmin()
                .when()
                .get("/api/v1/clients/" + id)
                .then()
                .statusCode(200)
                .body("enabled", equalTo(true));
        AdminApi.asAdmin().when().get("/api/v1/clients/csrf-made").then().statusCode(404);
    }

    @Test
    void anotherSessionsTokenDoesNotWork() {
        ConsoleLogin mine = ConsoleLogin.login();
        ConsoleLogin other = ConsoleLogin.login();
        String id = AdminApi.uniqueId("csrf");
        AdminApi.createClient(id, Map.of());
        mine.browser()
                .formParam("csrf", other.csrf())
                .when()
                .post("/console/clients/" + id + "/disable")
                .then()
                .statusCode(403);
        mine.form().when().post("/console/clients/" + id + "/disable").then().statusCode(303);
        AdminApi.asAdmin().when().get("/api/v1/clients/" + id).then().body("enabled", equalTo(false));
    }

    @Test
    void aPostFromAnotherOriginIsRefused() {
        ConsoleLogin session = ConsoleLogin.login();
        String id = AdminApi.uniqueId("csrf");
        AdminApi.createClient(id, Map.of());
        session.form()
                .header("Origin", "https://evil.example")
                .when()
                .post("/console/clients/" + id + "/disable")
                .then()
                .statusCode(403)
                .body(containsString("Cross-site request refused"));
        AdminApi.asAdmin().when().get("/api/v1/clients/" + id).then().body("enabled", equalTo(true));
    }
}
