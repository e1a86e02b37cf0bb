package dev.porthole.auth.broadcast;

import static dev.porthole.auth.testing.AdminApi.asAdmin;
import static dev.porthole.auth.testing.AdminApi.createClient;
import static dev.porthole.auth.testing.AdminApi.issueJwt;
import static dev.porthole.auth.testing.AdminApi.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porthole.auth.testing.AgentAuthCalls;
import dev.porthole.auth.testing.GatewaySessions;
import dev.porthole.protocol.registry.SessionRecord;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.pubsub.PubSubCommands;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What gateways hear on {@code porthole:control}: the exact JSON of each broadcast. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class ControlBroadcastTest {

    @Inject
    RedisDataSource redis;

    @Inject
    ObjectMapper mapper;

    private final List<String> heard = new CopyOnWriteArrayList<>();
    private PubSubCommands.RedisSubscriber subscriber;

    @BeforeEach
    void subscribe() {
        subscriber = redis.pubsub(String.class).subscribe("porthole:control", heard::add);
    }

    @AfterEach
    void unsubscribe() {
        subscriber.unsubscribe();
    }

    private void hears(String json) {
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(heard).contains(json));
    }

    @Test
    void publishesClientDisabled() {
        String id = uniqueId("bc");
        createClient(id, Map.of());
        asAdmin().when().post("/api/v1/clients/{id}/disable", id).then().statusCode(200);
        hears("{\"v\":1,\"type\":\"client.disabled\",\"clientId\":\"" + id + "\"}");
    }

    @Test
    void publishesClientDeleted() {
        String id = uniqueId("bc");
        createClient(id, Map.of());
        asAdmin().when().delete("/api/v1/clients/{id}", id).then().statusCode(204);
        hears("{\"v\":1,\"type\":\"client.deleted\",\"clientId\":\"" + id + "\"}");
    }

    @Test
    void publishesGrantsChanged() {
        String id = uniqueId("bc");
        createClient(id, Map.of());
        asAdmin()
                .body(Map.of("grants", Map.of("maxTunnels", 2)))
                .when()
                .put("/api/v1/clients/{id}/grants", id)
                .then()
                .statusCode(200);
        hears("{\"v\":1,\"type\":\"client.grants-changed\",\"clientId\":\"" + id + "\"}");
    }

    @Test
    void publishesCredentialRevokedForARevokedToken() {
        String id = uniqueId("bc");
        createClient(id, Map.of());
        String tokenId = issueJwt(id, 600).path("token.id");
        asAdmin()
                .when()
                .delete("/api/v1/clients/{id}/tokens/{tokenId}", id, tokenId)
                .then()
                .statusCode(204);
        hears("{\"v\":1,\"type\":\"credential.revoked\",\"clientId\":\"" + id + "\",\"credentialId\":\"" + tokenId
                + "\"}");
    }

    @Test
    void publishesCredentialRevokedForARotatedSecret() {
        String id = uniqueId("bcs");
        createClient(id, Map.of());
        String oldSecretId = AgentAuthCalls.authenticate(
                        AgentAuthCalls.basic(id, "irrelevant"), id, AgentAuthCalls.uniqueAddress())
                .then()
                .statusCode(401)
                .extract()
                .path("credentialId");
        assertThat(oldSecretId).isNull();
        String stored = redis.value(String.class).get("porthole:client:" + id);
        String secretId = stored.replaceAll(".*\"secretId\":\"([^\"]+)\".*", "$1");
        asAdmin().when().post("/api/v1/clients/{id}/secret", id).then().statusCode(200);
        hears("{\"v\":1,\"type\":\"credential.revoked\",\"clientId\":\"" + id + "\",\"credentialId\":\"" + secretId
                + "\"}");
    }

    @Test
    void publishesSessionKicked() throws Exception {
        String sessionId = "s-" + uniqueId("kick");
        Instant expiry = Instant.now().plusSeconds(60);
        SessionRecord record =
                new SessionRecord(sessionId, "gw-b", "web", "agent-2", "10.0.0.2", Instant.now(), List.of(), 0, 0);
        GatewaySessions.publish(redis, mapper, record, expiry);
        asAdmin().when().delete("/api/v1/sessions/{id}", sessionId).then().statusCode(202);
        hears("{\"v\":1,\"type\":\"session.kicked\",\"sessionId\":\"" + sessionId
                + "\",\"gatewayId\":\"gw-b\",\"clientId\":\"web\"}");
    }

    @Test
    void publishesSigningKeyRetired() {
        asAdmin().when().delete("/api/v1/signing-secrets/previous");
        String first = asAdmin()
                .when()
                .get("/api/v1/signing-secrets")
                .then()
                .statusCode(200)
                .extract()
                .path("current.kid");
        asAdmin().when().post("/api/v1/signing-secrets/rotate").then().statusCode(200);
        asAdmin().when().delete("/api/v1/signing-secrets/previous").then().statusCode(200);
        hears("{\"v\":1,\"type\":\"signing-key.retired\",\"keyId\":\"" + first + "\"}");
    }
}
