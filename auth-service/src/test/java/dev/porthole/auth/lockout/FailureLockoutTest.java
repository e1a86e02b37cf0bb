package dev.porthole.auth.lockout;

import static dev.porthole.auth.testing.AdminApi.createClient;
import static dev.porthole.auth.testing.AdminApi.uniqueId;
import static dev.porthole.auth.testing.AgentAuthCalls.authenticate;
import static dev.porthole.auth.testing.AgentAuthCalls.basic;
import static dev.porthole.auth.testing.AgentAuthCalls.uniqueAddress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.porthole.auth.testing.EventStream;
import dev.porthole.auth.testing.ShortLockoutWindow;
import dev.porthole.protocol.event.EventEnvelope;
import dev.porthole.protocol.event.PortholeEvent.AuthFailed;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Repeated failures are answered 429 with Retry-After until the (short, test-profile) window passes. */
@QuarkusTest
@TestProfile(ShortLockoutWindow.class)
@WithTestResource(RedisTestResource.class)
class FailureLockoutTest {

    @Inject
    RedisDataSource redis;

    private List<AuthFailed> authFailures(String address) {
        return EventStream.read(redis).stream()
                .map(EventEnvelope::event)
                .filter(AuthFailed.class::isInstance)
                .map(AuthFailed.class::cast)
                .filter(e -> FailureLedger.countedAddress(address).equals(e.remoteAddress()))
                .toList();
    }

    @Test
    void locksOutAnAddressAfterTheThresholdUntilTheWindowPasses() {
        String address = uniqueAddress();
        for (int i = 0; i < 3; i++) {
            authenticate("Bearer pht_wrong-token", null, address).then().statusCode(401);
        }
        var locked = authenticate("Bearer configured-static-token-0001", null, address)
                .then()
                .statusCode(429)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:porthole:problem:too-many-failures"))
                .body("detail", startsWith("too many failed authentication attempts from this address; try again in "))
                .extract();
        int retryAfter = Integer.parseInt(locked.header("Retry-After"));
        assertThat(retryAfter).isBetween(1, 2);

        authenticate("Bearer configured-static-token-0001", null, uniqueAddress())
                .then()
                .statusCode(200);
        await().atMost(Duration.ofSeconds(6))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> authenticate("Bearer configured-static-token-0001", null, address)
                        .then()
                        .statusCode(200));
    }

    @Test
    void locksOutAClientIdForTheAddressThatFailedOnly() {
        String id = uniqueId("locked");
        String secret = createClient(id, Map.of());
        String guesser = uniqueAddress();
        authenticate(basic(id, "wrong-1"), id, guesser).then().statusCode(401);
        authenticate(basic(id, "wrong-2"), id, guesser).then().statusCode(401);
        authenticate(basic(id, secret), id, guesser)
                .then()
                .statusCode(429)
                .header("Retry-After", org.hamcrest.Matchers.notNullValue());
        authenticate(basic(id, secret), id, uniqueAddress()).then().statusCode(200);
        String unknown = uniqueId("nobody");
        authenticate(basic(unknown, "x"), null, guesser).then().statusCode(401);
        // Three failures lock the address for every client id.
        authenticate(basic(uniqueId("other"), "x"), null, guesser).then().statusCode(429);
        await().atMost(Duration.ofSeconds(6))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() ->
                        authenticate(basic(id, secret), id, guesser).then().statusCode(200));
    }

    @Test
    void countsEveryPortOfAHostAndEveryHostOfAnIpv6Slash64AsOneAddress() {
        String host = "198.18." + (int) (Math.random() * 250) + "." + (int) (Math.random() * 250);
        for (int port = 40001; port <= 40003; port++) {
            authenticate("Bearer pht_wrong-token", null, host + ":" + port)
                    .then()
                    .statusCode(401);
        }
        authenticate("Bearer configured-static-token-0001", null, host + ":40004")
                .then()
                .statusCode(429);
        String network = uniqueAddress().replace("::7", "");
        for (String suffix : new String[] {":1:2:3:4", ":ffff:0:0:1", "::9"}) {
            authenticate("Bearer pht_wrong-token", null, "[" + network + suffix + "]:443")
                    .then()
                    .statusCode(401);
        }
        authenticate("Bearer configured-static-token-0001", null, network + ":aaaa::1")
                .then()
                .statusCode(429);
    }

    @Test
    void emitsOneEventPerCountedFailureAndOneAggregatePerWindow() {
        String address = uniqueAddress();
        String client = uniqueId("ci-runner");
        // Two counted failures lock the client id for this address; the next 5 attempts are refused while locked.
        for (int i = 0; i < 2; i++) {
            authenticate("Bearer pht_wrong-token", client, address).then().statusCode(401);
        }
        for (int i = 0; i < 5; i++) {
            authenticate("Bearer pht_wrong-token", client, address).then().statusCode(429);
        }
        await().atMost(Duration.ofSeconds(8))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    List<AuthFailed> events = authFailures(address);
                    assertThat(events.stream().filter(e -> e.count() == 1))
                            .hasSize(2)
                            .allSatisfy(e -> assertThat(e.reason()).isEqualTo("bad-credentials"));
                    assertThat(events.stream().filter(e -> e.count() > 1))
                            .singleElement()
                            .satisfies(aggregate -> {
                                assertThat(aggregate.count()).isEqualTo(7);
                                assertThat(aggregate.windowSeconds()).isEqualTo(2);
                                assertThat(aggregate.clientId()).isEqualTo(client);
                                assertThat(aggregate.reason()).startsWith("repeated-failures");
                            });
                });
    }

    @Test
    void logsCountsAndPublishesAClaimedClientIdOnlyWithinTheClientIdCharset() {
        String address = uniqueAddress();
        authenticate("Bearer pht_wrong-token", "[Re-enter admin key](https://evil.example)", address)
                .then()
                .statusCode(401);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(authFailures(address))
                        .singleElement()
                        .satisfies(e -> assertThat(e.clientId()).isEqualTo("-invalid-")));
    }
}
