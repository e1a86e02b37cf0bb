package dev.porthole.auth.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.not;

import dev.porthole.auth.testing.AdminApi;
import dev.porthole.auth.testing.AgentAuthCalls;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The clients page: create with the secret shown once, disable and enable, rotate, delete after confirming, escaping. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class ConsoleClientsTest {

    private static final Pattern SECRET = Pattern.compile("id=\"client-secret\">([^<]+)<");

    @Test
    void createdClientsSecretIsShownOnceAndWorks() {
        ConsoleLogin session = ConsoleLogin.login();
        String id = AdminApi.uniqueId("made");
        String page = session.form()
                .formParam("id", id)
                .formParam("description", "from the console")
                .when()
                .post("/console/clients")
                .then()
                .statusCode(201)
                .header("Cache-Control", "no-store")
                .extract()
                .body()
                .asString();
        String secret = secretOf(page);
        assertThat(secret).hasSizeGreaterThan(30);
        assertThat(agentAuthStatus(id, secret)).isEqualTo(200);

        String list = session.page("/console/clients?size=100");
        assertThat(list).contains(id).contains("from the console").doesNotContain(secret);
        session.browser()
                .when()
                .get("/console/clients/" + id + "/delete")
                .then()
                .body(not(containsString(secret)));
        AdminApi.asAdmin()
                .when()
                .get("/api/v1/clients/" + id)
                .then()
                .statusCode(200)
                .body(not(containsString(secret)));
    }

    @Test
    void rotatingShowsTheNewSecretOnceAndTheOldOneStopsWorking() {
        ConsoleLogin session = ConsoleLogin.login();
        String id = AdminApi.uniqueId("rot");
        String old = AdminApi.createClient(id, Map.of());
        String page = session.form()
                .when()
                .post("/console/clients/" + id + "/secret")
                .then()
                .statusCode(200)
                .extract()
                .body()
                .asString();
        String fresh = secretOf(page);
        assertThat(fresh).isNotEqualTo(old);
        assertThat(agentAuthStatus(id, old)).isEqualTo(401);
        assertThat(agentAuthStatus(id, fresh)).isEqualTo(200);
    }

    @Test
    void disablingAndRotatingAskToConfirmFirst() {
        ConsoleLogin session = ConsoleLogin.login();
        String id = AdminApi.uniqueId("ask");
        String secret = AdminApi.createClient(id, Map.of());
        String list = session.page("/console/clients?size=100");
        assertThat(list)
                .as("the list links to confirmations; only Enable posts at once")
                .contains("href=\"/console/clients/" + id + "/disable\" id=\"disable-" + id + "\"")
                .contains("href=\"/console/clients/" + id + "/secret\" id=\"rotate-" + id + "\"");
        session.browser()
                .when()
                .get("/console/clients/" + id + "/disable")
                .then()
                .statusCode(200)
                .body(containsString("Disable client " + id + "?"))
                .body(containsString("action=\"/console/clients/" + id + "/disable\""))
                .body(containsString("id=\"confirm-disable\""));
        session.browser()
                .when()
                .get("/console/clients/" + id + "/secret")
                .then()
                .statusCode(200)
                .body(containsString("Rotate the secret of client " + id + "?"))
                .body(containsString("stops working at once"))
                .body(containsString("id=\"confirm-rotate\""));
        assertThat(agentAuthStatus(id, secret)).as("asking changed nothing").isEqualTo(200);
        session.browser()
                .when()
                .get("/console/clients/nobody-" + id + "/disable")
                .then()
                .statusCode(404)
                .body(containsString("does not exist"));
    }

    @Test
    void disableAndEnableGoThroughTheClientService() {
        ConsoleLogin session = ConsoleLogin.login();
        String id = AdminApi.uniqueId("dis");
        String secret = AdminApi.createClient(id, Map.of());
        session.form()
                .when()
                .post("/console/clients/" + id + "/disable")
                .then()
                .statusCode(303)
                .header("Location", endsWith("/console/clients?notice=disabled&client=" + id));
        assertThat(agentAuthStatus(id, secret)).isEqualTo(403);
        session.browser()
                .when()
                .get("/console/clients?notice=disabled&client=" + id)
                .then()
                .body(containsString("Client " + id + " is disabled"));
        session.form().when().post("/console/clients/" + id + "/enable").then().statusCode(303);
        assertThat(agentAuthStatus(id, secret)).isEqualTo(200);
    }

    @Test
    void deleteAsksFirstThenDeletes() {
        ConsoleLogin session = ConsoleLogin.login();
        String id = AdminApi.uniqueId("del");
        AdminApi.createClient(id, Map.of());
        session.browser()
                .when()
                .get("/console/clients/" + id + "/delete")
                .then()
                .statusCode(200)
                .body(containsString("Delete client " + id + "?"))
                .body(containsString("cannot be undone"));
        AdminApi.asAdmin().when().get("/api/v1/clients/" + id).then().statusCode(200);
        session.form().when().post("/console/clients/" + id + "/delete").then().statusCode(303);
        AdminApi.asAdmin().when().get("/api/v1/clients/" + id).then().statusCode(404);
        session.browser()
                .when()
                .get("/console/clients/" + id + "/delete")
                .then()
                .statusCode(404)
                .body(containsString("does not exist"));
    }

    @Test
    void badInputIsExplainedAndKept() {
        ConsoleLogin session = ConsoleLogin.login();
        session.form()
                .formParam("id", "Not_A_Label")
                .formParam("description", "kept")
                .when()
                .post("/console/clients")
                .then()
                .statusCode(400)
                .body(containsString("Client id must be a DNS label"))
                .body(containsString("value=\"kept\""));
        String id = AdminApi.uniqueId("dup");
        AdminApi.createClient(id, Map.of());
        session.form()
                .formParam("id", id)
                .when()
                .post("/console/clients")
                .then()
                .statusCode(409)
                .body(containsString("already exists"));
    }

    @Test
    void valuesAreEscaped() {
        ConsoleLogin session = ConsoleLogin.login();
        String id = AdminApi.uniqueId("esc");
        session.form()
                .formParam("id", id)
                .formParam("description", "<script>alert(1)</script>")
                .when()
                .post("/console/clients")
                .then()
                .statusCode(201);
        session.browser()
                .when()
                .get("/console/clients?size=100")
                .then()
                .body(containsString("&lt;script&gt;alert(1)&lt;/script&gt;"))
                .body(not(containsString("<script>alert(1)")));
        session.browser()
                .when()
                .get("/console/clients?notice=deleted&client=%3Cb%3E")
                .then()
                .body(not(containsString("<b>")));
    }

    private static String secretOf(String page) {
        Matcher m = SECRET.matcher(page);
        assertThat(m.find()).as("the page shows the secret:\n%s", page).isTrue();
        return m.group(1);
    }

    private static int agentAuthStatus(String id, String secret) {
        return AgentAuthCalls.authenticate(AgentAuthCalls.basic(id, secret), null, AgentAuthCalls.uniqueAddress())
                .statusCode();
    }
}
