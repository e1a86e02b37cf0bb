package dev.porthole.auth.console;

import static org.hamcrest.Matchers.containsString;

import dev.porthole.testing.FreePorts;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** notification-service configured but not answering: the pages say so, and the rest of the console works. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@TestProfile(ConsoleNotificationsUnreachableTest.NobodyListens.class)
class ConsoleNotificationsUnreachableTest {

    /** Points the console at a port nothing listens on. */
    public static class NobodyListens implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "porthole.console.notification-url",
                    "http://127.0.0.1:" + FreePorts.loopback(),
                    "porthole.console.notification-timeout",
                    "2s");
        }
    }

    @Test
    void channelsDeadLettersAndTestSaySoClearly() {
        ConsoleLogin session = ConsoleLogin.login();
        session.browser()
                .when()
                .get("/console/notifications")
                .then()
                .statusCode(200)
                .body(containsString("is unreachable"))
                .body(containsString("check that it runs and PORTHOLE_CONSOLE_NOTIFICATION_URL"));
        session.form()
                .when()
                .post("/console/notifications/default/test")
                .then()
                .statusCode(200)
                .body(containsString("id=\"test-outcome\""))
                .body(containsString("failed"));
        session.browser()
                .when()
                .get("/console/events")
                .then()
                .statusCode(200)
                .body(containsString("id=\"dead-unavailable\""))
                .body(containsString("is unreachable"))
                .body(containsString("id=\"events-heading\""));
    }
}
