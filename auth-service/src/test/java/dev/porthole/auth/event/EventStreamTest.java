package dev.porthole.auth.event;

import static dev.porthole.auth.testing.AdminApi.asAdmin;
import static dev.porthole.auth.testing.AdminApi.createClient;
import static dev.porthole.auth.testing.AdminApi.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.auth.lockout.FailureLedger;
import dev.porthole.auth.testing.AgentAuthCalls;
import dev.porthole.auth.testing.EventStream;
import dev.porthole.protocol.event.EventEnvelope;
import dev.porthole.protocol.event.PortholeEvent;
import dev.porthole.protocol.event.PortholeEvent.AuthFailed;
import dev.porthole.protocol.event.PortholeEvent.ClientCreated;
import dev.porthole.protocol.event.PortholeEvent.ClientDeleted;
import dev.porthole.protocol.event.PortholeEvent.ClientDisabled;
import dev.porthole.protocol.event.PortholeEvent.SigningSecretRotated;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What notification-service finds in {@code porthole:events}, decoded with EventCodec. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class EventStreamTest {

    @Inject
    RedisDataSource redis;

    private List<PortholeEvent> events() {
        return EventStream.read(redis).stream().map(EventEnvelope::event).toList();
    }

    @Test
    void appendsClientLifecycleEvents() {
        String id = uniqueId("ev");
        createClient(id, Map.of());
        asAdmin().when().post("/api/v1/clients/{id}/disable", id).then().statusCode(200);
        asAdmin().when().delete("/api/v1/clients/{id}", id).then().statusCode(204);
        assertThat(events())
                .contains(
                        new ClientCreated(id, "admin"),
                        new ClientDisabled(id, "admin"),
                        new ClientDeleted(id, "admin"));
        EventEnvelope created = EventStream.read(redis).stream()
                .filter(e -> e.event().equals(new ClientCreated(id, "admin")))
                .findFirst()
                .orElseThrow();
        assertThat(created.source()).isEqualTo("auth-service/test");
    }

    @Test
    void appendsSecretRotationAndRetirement() {
        asAdmin().when().delete("/api/v1/signing-secrets/previous");
        String first =
                asAdmin().when().get("/api/v1/signing-secrets").then().extract().path("current.kid");
        String second = asAdmin()
                .when()
                .post("/api/v1/signing-secrets/rotate")
                .then()
                .statusCode(200)
                .extract()
                .path("current.kid");
        asAdmin().when().delete("/api/v1/signing-secrets/previous").then().statusCode(200);
        assertThat(events())
                .contains(
                        new SigningSecretRotated("admin", second, first),
                        new SigningSecretRotated("admin", second, null));
    }

    @Test
    void appendsAnAuthFailedEventPerFailure() {
        String address = AgentAuthCalls.uniqueAddress();
        AgentAuthCalls.authenticate("Bearer pht_nope", "who-" + address.hashCode(), address)
                .then()
                .statusCode(401);
        // Published as it is counted: an IPv6 address as its /64.
        assertThat(events())
                .contains(new AuthFailed(
                        "who-" + address.hashCode(), FailureLedger.countedAddress(address), "bad-credentials", 1, 0));
        assertThat(FailureLedger.countedAddress(address)).endsWith("::/64");
    }

    @Test
    void keepsSecretsOutOfEvents() {
        String id = uniqueId("ev");
        String secret = createClient(id, Map.of());
        assertThat(redis.stream(String.class)
                        .xrange("porthole:events", io.quarkus.redis.datasource.stream.StreamRange.of("-", "+")))
                .noneSatisfy(m -> assertThat(m.payload().toString()).contains(secret));
    }
}
