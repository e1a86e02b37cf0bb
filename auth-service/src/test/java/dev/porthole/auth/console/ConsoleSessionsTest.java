package dev.porthole.auth.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porthole.auth.testing.AdminApi;
import dev.porthole.auth.testing.GatewaySessions;
import dev.porthole.protocol.registry.SessionRecord;
import dev.porthole.protocol.registry.SessionRecord.TunnelEntry;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The sessions page: live sessions from the gateways' records, a rate between two counter values, kick. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class ConsoleSessionsTest {

    @Inject
    RedisDataSource redis;

    @Inject
    ObjectMapper mapper;

    private void gatewayPublishes(String sessionId, String clientId, long bytesIn, long bytesOut) throws Exception {
        Instant expiry = Instant.now().plus(Duration.ofMinutes(1));
        SessionRecord record = new SessionRecord(
                sessionId,
                "gw-a",
                clientId,
                "agent-1",
                "10.0.0.9",
                Instant.now().minusSeconds(90),
                List.of(new TunnelEntry("http", clientId, "http://" + clientId + ".example.test")),
                bytesIn,
                bytesOut);
        GatewaySessions.publish(redis, mapper, record, expiry);
    }

    @Test
    void aLiveSessionIsListedWithItsTunnelAndARateOnceItsCountersMove() throws Exception {
        ConsoleLogin session = ConsoleLogin.login();
        String id = "s-" + UUID.randomUUID();
        String client = AdminApi.uniqueId("live");
        gatewayPublishes(id, client, 1000, 2000);
        String rows = session.page("/console/sessions");
        assertThat(rows)
                .contains(client)
                .contains("http://" + client + ".example.test")
                .contains("gw-a")
                .contains("1000 B")
                .contains("1 min 30 s");
        assertThat(row(rows, id))
                .as("a first look shows the average since the session connected, 90 s ago")
                .contains("<span class=\"rate\">11 B/s</span>")
                .contains("<span class=\"rate\">22 B/s</span>")
                .doesNotContain("rate\">…");

        gatewayPublishes(id, client, 1000 + 512 * 1024, 2000);
        String after = session.page("/console/sessions");
        // 512 KiB more in, nothing more out, since the first look a moment ago
        assertThat(row(after, id))
                .containsPattern("<span class=\"rate\">[0-9.]+ (KiB|MiB|GiB)/s</span>")
                .contains("<span class=\"rate\">0 B/s</span>");
        session.browser()
                .when()
                .get("/console/sessions")
                .then()
                .statusCode(200)
                .body(containsString("data-live=\"/console/live/sessions\""))
                .body(containsString("every 2 s at most"));
    }

    @Test
    void eachTunnelShowsItsEdgePolicyByRuleWithoutSecrets() throws Exception {
        ConsoleLogin session = ConsoleLogin.login();
        String id = "s-" + UUID.randomUUID();
        String client = AdminApi.uniqueId("guarded");
        Instant expiry = Instant.now().plus(Duration.ofMinutes(1));
        SessionRecord record = new SessionRecord(
                id,
                "gw-a",
                client,
                "agent-1",
                "10.0.0.9",
                Instant.now(),
                List.of(
                        new TunnelEntry(
                                "http",
                                client,
                                "http://" + client + ".example.test",
                                "basic-auth(1 users) oidc(https://issuer.example.test, 1 domains, 0 claims)"),
                        new TunnelEntry("http", client + "-open", "http://" + client + "-open.example.test", "")),
                0,
                0);
        GatewaySessions.publish(redis, mapper, record, expiry);

        String row = row(session.page("/console/sessions"), id);
        assertThat(row).contains("policy: basic-auth(1 users) oidc(https://issuer.example.test, 1 domains, 0 claims)");
        assertThat(row.split("policy:", -1))
                .as("only the guarded tunnel names a policy")
                .hasSize(2);
    }

    @Test
    void kickAsksToConfirmFirstAndChangesNothingUntilThen() throws Exception {
        ConsoleLogin session = ConsoleLogin.login();
        String id = "s-" + UUID.randomUUID();
        String client = AdminApi.uniqueId("confirm");
        gatewayPublishes(id, client, 1, 1);
        String rows = session.page("/console/sessions");
        assertThat(row(rows, id))
                .as("Kick opens a confirmation; nothing in the row posts")
                .contains("<form method=\"get\" action=\"/console/sessions/" + id + "/kick\">")
                .doesNotContain("method=\"post\"");
        session.browser()
                .when()
                .get("/console/sessions/" + id + "/kick")
                .then()
                .statusCode(200)
                .body(containsString("Kick session " + id + " of client " + client + "?"))
                .body(containsString("<form method=\"post\" action=\"/console/sessions/" + id + "/kick\""))
                .body(containsString("id=\"confirm-kick\""))
                .body(containsString("name=\"csrf\""));
        assertThat(redis.key().exists("porthole:kicked:" + id))
                .as("asking changes nothing")
                .isFalse();
        session.browser()
                .redirects()
                .follow(false)
                .when()
                .get("/console/sessions/s-none/kick")
                .then()
                .statusCode(303)
                .header("Location", endsWith("/console/sessions?gone=s-none"));
    }

    @Test
    void kickAsksTheGatewayToCloseTheSession() throws Exception {
        ConsoleLogin session = ConsoleLogin.login();
        String id = "s-" + UUID.randomUUID();
        gatewayPublishes(id, AdminApi.uniqueId("kicked"), 1, 1);
        List<String> heard = new CopyOnWriteArrayList<>();
        var subscriber = redis.pubsub(String.class).subscribe("porthole:control", heard::add);
        try {
            session.form()
                    .when()
                    .post("/console/sessions/" + id + "/kick")
                    .then()
                    .statusCode(303)
                    .header("Location", endsWith("/console/sessions?kicked=" + id));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> heard.stream()
                            .anyMatch(b -> b.contains("\"type\":\"session.kicked\"")
                                    && b.contains("\"sessionId\":\"" + id + "\"")));
        } finally {
            subscriber.unsubscribe();
        }
        session.form()
                .when()
                .post("/console/sessions/s-none/kick")
                .then()
                .statusCode(303)
                .header("Location", endsWith("/console/sessions?gone=s-none"));
        session.browser()
                .when()
                .get("/console/sessions?gone=s-none")
                .then()
                .body(containsString("There is no live session s-none"));
    }

    @Test
    void theClientsPageAlsoShowsAgentsWithoutAStoredClient() throws Exception {
        ConsoleLogin session = ConsoleLogin.login();
        String token = "s-" + UUID.randomUUID();
        String open = "s-" + UUID.randomUUID();
        gatewayPublishes(token, "token-1", 1, 1);
        gatewayPublishes(open, "public-" + open, 1, 1);
        String page = session.page("/console/clients?size=100");
        assertThat(page)
                .as("live sessions are counted next to the stored clients")
                .containsPattern("live sessions? in all");
        int start = page.indexOf("id=\"unstored\"");
        assertThat(start)
                .as("a table of agents without a stored client in\n%s", page)
                .isPositive();
        String unstored = page.substring(start, page.indexOf("</table>", start));
        assertThat(unstored)
                .contains("<tr id=\"unstored-" + token
                        + "\"><th scope=\"row\">token-1</th><td data-label=\"How\">static token</td>")
                .contains("<th scope=\"row\">public-" + open + "</th><td data-label=\"How\">public session</td>");
    }

    private static String row(String rows, String sessionId) {
        int start = rows.indexOf("<tr id=\"session-" + sessionId + "\">");
        assertThat(start).as("row of %s in\n%s", sessionId, rows).isNotNegative();
        return rows.substring(start, rows.indexOf("</tr>", start));
    }
}
