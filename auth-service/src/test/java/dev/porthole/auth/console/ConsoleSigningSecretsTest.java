package dev.porthole.auth.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;

import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The signing-secrets page: ids only, rotate, retire the previous one, and the conflicts explained. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class ConsoleSigningSecretsTest {

    private static final Pattern CURRENT = Pattern.compile("id=\"current-kid\">([^<]+)<");

    @Test
    void rotateThenRetireShowsOnlyKeyIds() {
        ConsoleLogin session = ConsoleLogin.login();
        String page = session.page("/console/signing-secrets");
        if (!page.contains("<td colspan=\"2\" class=\"meta\" id=\"previous-kid\">none</td>")) {
            // another test left a previous secret active
            session.form().when().post("/console/signing-secrets/retire").then().statusCode(303);
            page = session.page("/console/signing-secrets");
        }
        String before = kid(page);

        session.form()
                .when()
                .post("/console/signing-secrets/rotate")
                .then()
                .statusCode(303)
                .header("Location", endsWith("/console/signing-secrets?notice=rotated"));
        String rotated = session.page("/console/signing-secrets?notice=rotated");
        assertThat(rotated).contains("Rotated: a new secret signs").contains("id=\"previous-kid\">" + before + "<");
        assertThat(kid(rotated)).isNotEqualTo(before);
        session.form()
                .when()
                .post("/console/signing-secrets/rotate")
                .then()
                .statusCode(409)
                .body(containsString("is still active; retire it first"));

        session.browser()
                .when()
                .get("/console/signing-secrets/retire")
                .then()
                .statusCode(200)
                .body(containsString("Retire the previous signing secret " + before + "?"))
                .body(containsString("action=\"/console/signing-secrets/retire\""))
                .body(containsString("id=\"confirm-retire\""));
        session.form().when().post("/console/signing-secrets/retire").then().statusCode(303);
        session.browser()
                .when()
                .get("/console/signing-secrets/retire")
                .then()
                .statusCode(409)
                .body(containsString("There is no previous signing secret to retire."));
        session.browser()
                .when()
                .get("/console/signing-secrets")
                .then()
                .body(containsString("id=\"retire\" disabled"))
                .body(containsString("nothing to retire"));
        session.browser()
                .when()
                .get("/console/signing-secrets?notice=retired")
                .then()
                .body(containsString("Retired: JWTs signed with the previous secret no longer work"))
                .body(containsString("id=\"previous-kid\">none<"));
        session.form()
                .when()
                .post("/console/signing-secrets/retire")
                .then()
                .statusCode(409)
                .body(containsString("there is no previous signing secret to retire"));
    }

    private static String kid(String page) {
        Matcher m = CURRENT.matcher(page);
        assertThat(m.find()).as("current key id in\n%s", page).isTrue();
        return m.group(1);
    }
}
