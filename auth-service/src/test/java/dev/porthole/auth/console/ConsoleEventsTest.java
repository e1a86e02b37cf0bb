package dev.porthole.auth.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import dev.porthole.auth.testing.AdminApi;
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
        disableOneThenCreateAnother(older, newer);

        String page = timeline(eventsPage(session, Map.of()));
        assertThat(page.indexOf(newer)).as("newest first").isPositive().isLessThan(page.indexOf(older));
        String filtered = eventsPage(session, Map.of("type", "client.disabled"));
        assertThat(timeline(filtered)).contains(older).doesNotContain(newer);
        assertThat(filtered).contains("<option value=\"client.disabled\" selected>");
    }

    @Test
    void eachEventReadsAsOneSentenceWithItsJsonAClickAwayAndFiltersByClient() {
        ConsoleLogin session = ConsoleLogin.login();
        String mine = AdminApi.uniqueId("ev-mine");
        String other = AdminApi.uniqueId("ev-other");
        disableOneThenCreateAnother(mine, other);

        String page = eventsPage(session, Map.of("client", mine));
        String timeline = timeline(page);
        assertThat(timeline)
                .as("only the chosen client's events")
                .contains(mine)
                .doesNotContain(other)
                .contains("Client " + mine + " disabled by admin; its sessions were closed.")
                .contains("Client " + mine + " created by admin.")
                .containsPattern("<time datetime=\"20[0-9-]+T[0-9:.]+Z\">")
                .contains("<details><summary>Raw JSON</summary><pre>{&quot;clientId&quot;:&quot;" + mine);
        assertThat(page)
                .as("the filter keeps the client, and the live feed follows it")
                .contains("id=\"client\" name=\"client\"")
                .contains("value=\"" + mine + "\"")
                .contains("client=" + mine + "&amp;after=");
        session.browser()
                .queryParam("client", "x".repeat(201))
                .when()
                .get("/console/events")
                .then()
                .statusCode(400)
                .body(containsString("A client id has at most 200 characters; this filter has 201."));
    }

    /** Creates and disables client {@code first}, then creates {@code second}: three events, in that order. */
    private static void disableOneThenCreateAnother(String first, String second) {
        AdminApi.createClient(first, Map.of());
        AdminApi.asAdmin()
                .when()
                .post("/api/v1/clients/" + first + "/disable")
                .then()
                .statusCode(200);
        AdminApi.createClient(second, Map.of());
    }

    /** The events page the logged-in browser gets with {@code query}. */
    private static String eventsPage(ConsoleLogin session, Map<String, String> query) {
        return session.browser()
                .queryParams(query)
                .when()
                .get("/console/events")
                .then()
                .statusCode(200)
                .extract()
                .body()
                .asString();
    }

    /** The events' timeline alone: the filter's suggestions name clients too. */
    private static String timeline(String page) {
        int start = page.indexOf("id=\"event-rows\"");
        assertThat(start).as("timeline in\n%s", page).isPositive();
        return page.substring(start, page.indexOf("</ol>", start));
    }

    @Test
    void aMalformedEntryIsShownNotHidden() {
        String entry = redis.stream(String.class).xadd("porthole:events", Map.of("event", "{not json <b>"));
        try {
            ConsoleLogin.login()
                    .browser()
                    .when()
                    .get("/console/events")
                    .then()
                    .statusCode(200)
                    .body(containsString("malformed"))
                    .body(containsString("{not json &lt;b&gt;"));
        } finally {
            // Other tests read the whole stream and expect only events in it.
            redis.stream(String.class).xdel("porthole:events", entry);
        }
    }

    @Test
    void anUnknownTypeIsExplained() {
        ConsoleLogin.login()
                .browser()
                .queryParam("type", "nope")
                .when()
                .get("/console/events")
                .then()
                .statusCode(400)
                .body(containsString("Unknown event type &#39;nope&#39;"));
    }

    @Test
    void withoutNotificationServiceTheDeadLettersSaySo() {
        ConsoleLogin.login()
                .browser()
                .when()
                .get("/console/events")
                .then()
                .statusCode(200)
                .body(containsString("notification-service is not configured: set PORTHOLE_CONSOLE_NOTIFICATION_URL"));
        ConsoleLogin.login()
                .browser()
                .when()
                .get("/console/notifications")
                .then()
                .statusCode(200)
                .body(containsString("notification-service is not configured: set PORTHOLE_CONSOLE_NOTIFICATION_URL"));
    }
}
