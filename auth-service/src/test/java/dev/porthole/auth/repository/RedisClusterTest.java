package dev.porthole.auth.repository;

import static dev.porthole.auth.testing.AdminApi.asAdmin;
import static dev.porthole.auth.testing.AdminApi.createClient;
import static dev.porthole.auth.testing.AdminApi.uniqueId;
import static dev.porthole.auth.testing.AgentAuthCalls.authenticate;
import static dev.porthole.auth.testing.AgentAuthCalls.uniqueAddress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItems;

import dev.porthole.auth.lockout.FailureLedger;
import dev.porthole.auth.service.ReservationUpgrade;
import dev.porthole.auth.testing.ShortLockoutWindow;
import dev.porthole.protocol.event.EventCodec;
import dev.porthole.protocol.event.EventEnvelope;
import dev.porthole.protocol.event.MalformedEventException;
import dev.porthole.protocol.event.PortholeEvent.AuthFailed;
import dev.porthole.testing.RedisClusterTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * auth-service on a real three-primary Redis Cluster (issue 22): name reservations spread over
 * slots, the failure ledger's scripts, and the listings that read many keys at once.
 */
@QuarkusTest
@TestProfile(ShortLockoutWindow.class)
@WithTestResource(RedisClusterTestResource.class)
class RedisClusterTest {

    @Inject
    RedisDataSource redis;

    @Inject
    RedisKeys keys;

    @Inject
    ReservationUpgrade upgrade;

    private String reservation(String name) {
        return redis.value(String.class).get(keys.reservation(name));
    }

    @Test
    void reservationsOnManySlotsStayExactAndAConflictChangesNothing() {
        String id = uniqueId("cluster");
        List<String> names = List.of(id + "-a", id + "-b", id + "-c", id + "-d", id + "-e");
        createClient(id, Map.of("subdomains", names, "tcpPorts", List.of(24022)));
        names.forEach(name -> assertThat(reservation(name)).as(name).isEqualTo(id));
        assertThat(reservation("tcp:24022")).isEqualTo(id);

        String other = uniqueId("cluster-other");
        asAdmin()
                .body(Map.of(
                        "id",
                        other,
                        "grants",
                        Map.of("subdomains", List.of(other + "-a", other + "-b", id + "-c", other + "-d"))))
                .when()
                .post("/api/v1/clients")
                .then()
                .statusCode(409);
        assertThat(reservation(id + "-c")).isEqualTo(id);
        for (String name : List.of(other + "-a", other + "-b", other + "-d")) {
            assertThat(reservation(name)).as("%s after the refused grant", name).isNull();
        }

        asAdmin()
                .body(Map.of("grants", Map.of("subdomains", List.of(id + "-a", id + "-f"))))
                .when()
                .put("/api/v1/clients/{id}/grants", id)
                .then()
                .statusCode(200);
        assertThat(reservation(id + "-a")).isEqualTo(id);
        assertThat(reservation(id + "-f")).isEqualTo(id);
        assertThat(reservation(id + "-b")).isNull();
        assertThat(reservation("tcp:24022")).isNull();
    }

    @Test
    void reservationsAreWrittenAgainUnderTheirCurrentNamesAtStartUp() {
        String id = uniqueId("upgraded");
        createClient(id, Map.of("subdomains", List.of(id + "-web"), "tcpPorts", List.of(24122)));
        // As after an upgrade from a version that wrote them under other key names.
        redis.key().del(keys.reservation(id + "-web"), keys.reservation("tcp:24122"));
        assertThat(upgrade.reassertAll()).isPositive();
        assertThat(reservation(id + "-web")).isEqualTo(id);
        assertThat(reservation("tcp:24122")).isEqualTo(id);
    }

    @Test
    void clientsOnManySlotsAreListed() {
        List<String> ids = List.of(uniqueId("list"), uniqueId("list"), uniqueId("list"), uniqueId("list"));
        ids.forEach(id -> createClient(id, Map.of()));
        asAdmin()
                .queryParam("size", 100)
                .when()
                .get("/api/v1/clients")
                .then()
                .statusCode(200)
                .body("items.id", hasItems(ids.toArray(String[]::new)));
    }

    @Test
    void repeatedFailuresLockOutAndEndInOneAggregateEvent() {
        String address = uniqueAddress();
        String client = uniqueId("cluster-runner");
        for (int i = 0; i < 2; i++) {
            authenticate("Bearer pht_wrong-token", client, address).then().statusCode(401);
        }
        authenticate("Bearer pht_wrong-token", client, address).then().statusCode(429);
        await().atMost(Duration.ofSeconds(8))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    List<AuthFailed> events =
                            redis.stream(String.class).xrange(keys.events(), StreamRange.of("-", "+")).stream()
                                    .map(message -> decode(message.payload().get(EventCodec.STREAM_FIELD)))
                                    .map(EventEnvelope::event)
                                    .filter(AuthFailed.class::isInstance)
                                    .map(AuthFailed.class::cast)
                                    .filter(e -> FailureLedger.countedAddress(address)
                                            .equals(e.remoteAddress()))
                                    .toList();
                    assertThat(events.stream().filter(e -> e.count() > 1))
                            .singleElement()
                            .satisfies(
                                    aggregate -> assertThat(aggregate.count()).isEqualTo(3));
                });
    }

    private static EventEnvelope decode(String json) {
        try {
            return EventCodec.fromJson(json);
        } catch (MalformedEventException e) {
            throw new AssertionError(e);
        }
    }
}
