package dev.porthole.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import dev.porthole.testing.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The events page: the newest stream entries first, a type filter, malformed entries shown as such; dead letters need notification-service. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class ConsoleEventsTest {

    @Inject
    RedisDataSource redis;

    @Test
    void newestEventsComeFirstAndTheFilterKeepsOneType() {
        ConsoleLogin session = ConsoleLogin.login();
        String older = AdminApi.uniqueId("ev-old");
        String newer = AdminApi.uniqueId("ev-new");
        AdminApi.createClient(older, Map.of());
        AdminApi.asAdmin().when().post("/api/v1/clients/" + older + "/disable").then().statusCode(200);
        AdminApi.createClient(newer, Map.of());

        String page = session.browser().when().get("/console/events").then().statusCode(200).extract().body().asString();
        assertThat(page.indexOf(newer)).as("newest first").isPositive().isLessThan(page.indexOf(older));
        String filtered = session.browser().queryParam("type", "client.disabled").when().get("/console/events")
                .then().statusCode(200).extract().body().asString();
        assertThat(filtered).contains(older).doesNotContain(newer).contains("<option value=\"client.disabled\" selected>");
    }

    @Test
    void aMalformedEntryIsShownNotHidden() {
        String entry = redis.stream(String.class).xadd("porthole:events", Map.of("event", "{not json <b>"));
        try {
            ConsoleLogin.login().browser().when().get("/console/events").then().statusCode(200)
                    .body(containsString("malformed")).body(containsString("{not json &lt;b&gt;"));
        } finally {
            // Other tests read the whole stream and expect only events in it.
            redis.stream(String.class).xdel("porthole:events", entry);
        }
    }

    @Test
    void anUnknownTypeIsExplained() {
        ConsoleLogin.login().browser().queryParam("type", "nope").when().get("/console/events")
                .then().statusCode(400).body(containsString("Unknown event type &#39;nope&#39;"));
    }

    @Test
    void withoutNotificationServiceTheDeadLettersSaySo() {
        ConsoleLogin.login().browser().when().get("/console/events").then().statusCode(200)
                .body(containsString("notification-service is not configured: set PORTHOLE_CONSOLE_NOTIFICATION_URL"));
        ConsoleLogin.login().browser().when().get("/console/notifications").then().statusCode(200)
                .body(containsString("notification-service is not configured: set PORTHOLE_CONSOLE_NOTIFICATION_URL"));
    }
}
