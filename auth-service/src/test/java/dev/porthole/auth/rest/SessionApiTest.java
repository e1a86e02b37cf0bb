package dev.porthole.auth.rest;

import static dev.porthole.auth.testing.AdminApi.asAdmin;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.api.Test;

/** Live sessions come from the records gateways write; expired ones are skipped. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class SessionApiTest {

    @Inject
    RedisDataSource redis;

    @Inject
    ObjectMapper mapper;

    /** Writes a session record the way a gateway does. */
    private String gatewayPublishes(String clientId, Duration ttl, boolean withRecord) throws Exception {
        String sessionId = "s-" + UUID.randomUUID();
        Instant expiry = Instant.now().plus(ttl);
        SessionRecord record = new SessionRecord(
                sessionId,
                "gw-a",
                clientId,
                "agent-1",
                "10.0.0.9",
                Instant.now(),
                List.of(new TunnelEntry("http", clientId, "http://" + clientId + ".example.test")),
                10,
                20);
        if (withRecord && !ttl.isNegative()) {
            GatewaySessions.publish(redis, mapper, record, expiry);
        } else {
            GatewaySessions.index(redis, sessionId, expiry);
        }
        return sessionId;
    }

    @Test
    void listsLiveSessionsAndSkipsExpiredOrVanishedOnes() throws Exception {
        String live = gatewayPublishes("web", Duration.ofMinutes(1), true);
        String expired = gatewayPublishes("old", Duration.ofSeconds(-5), true);
        String vanished = gatewayPublishes("gone", Duration.ofMinutes(1), false);
        asAdmin()
                .queryParam("size", 100)
                .when()
                .get("/api/v1/sessions")
                .then()
                .statusCode(200)
                .body("items.sessionId", hasItem(live))
                .body("items.sessionId", not(hasItems(expired)))
                .body("items.sessionId", not(hasItems(vanished)))
                .body("items.find { it.sessionId == '" + live + "' }.tunnels[0].name", equalTo("web"))
                .body("items.find { it.sessionId == '" + live + "' }.gatewayId", equalTo("gw-a"));
    }

    @Test
    void pagesSessionsWithABoundedSize() throws Exception {
        for (int i = 0; i < 3; i++) {
            gatewayPublishes("paged", Duration.ofMinutes(2), true);
        }
        asAdmin()
                .queryParam("size", 2)
                .when()
                .get("/api/v1/sessions")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(2))
                .body("size", equalTo(2));
        asAdmin()
                .queryParam("size", 101)
                .when()
                .get("/api/v1/sessions")
                .then()
                .statusCode(400)
                .body("errors.field", equalTo(List.of("size")));
    }

    @Test
    void kicksALiveSession() throws Exception {
        String live = gatewayPublishes("kickme", Duration.ofMinutes(1), true);
        asAdmin()
                .when()
                .delete("/api/v1/sessions/{id}", live)
                .then()
                .statusCode(202)
                .body("sessionId", equalTo(live))
                .body("clientId", equalTo("kickme"));
    }

    @Test
    void answers404ForAnUnknownOrExpiredSession() throws Exception {
        String expired = gatewayPublishes("old", Duration.ofSeconds(-5), true);
        asAdmin()
                .when()
                .delete("/api/v1/sessions/{id}", expired)
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        asAdmin().when().delete("/api/v1/sessions/{id}", "s-never").then().statusCode(404);
    }
}
