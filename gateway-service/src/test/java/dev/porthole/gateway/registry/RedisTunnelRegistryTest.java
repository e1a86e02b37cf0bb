package dev.porthole.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The registry's scripts against a real Redis: the rules that keep a name with exactly one session. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class RedisTunnelRegistryTest {

    @Inject
    TunnelRegistry registry;

    @Inject
    RedisAPI redis;

    private final Route alice = new Route("g1", "s-alice", "alice", "agent-a");
    private final Route aliceAgain = new Route("g2", "s-alice-2", "alice", "agent-a");
    private final Route aliceOtherAgent = new Route("g1", "s-alice-3", "alice", "agent-b");
    private final Route bob = new Route("g1", "s-bob", "bob", "agent-c");

    @Test
    void aFreeNameIsClaimedAndThenHeldAgainstOthers() {
        assertThat(join(registry.claimHttp("one", alice))).isInstanceOf(ClaimOutcome.Claimed.class);
        ClaimOutcome outcome = join(registry.claimHttp("one", bob));
        assertThat(outcome)
                .isInstanceOfSatisfying(
                        ClaimOutcome.Taken.class,
                        taken -> assertThat(taken.holder()).isEqualTo(alice));
    }

    @Test
    void anotherAgentOfTheSameClientDoesNotTakeTheNameOver() {
        join(registry.claimHttp("two", alice));
        assertThat(join(registry.claimHttp("two", aliceOtherAgent))).isInstanceOf(ClaimOutcome.Taken.class);
    }

    @Test
    void theSameAgentTakesItsNameOverAndTheOldSessionLosesIt() {
        join(registry.claimHttp("three", alice));
        ClaimOutcome outcome = join(registry.claimHttp("three", aliceAgain));
        assertThat(outcome)
                .isInstanceOfSatisfying(
                        ClaimOutcome.TookOver.class,
                        took -> assertThat(took.previous()).isEqualTo(alice));
        assertThat(join(registry.refreshHttp("three", alice))).isEqualTo(RefreshOutcome.LOST);
        assertThat(join(registry.refreshHttp("three", aliceAgain))).isEqualTo(RefreshOutcome.REFRESHED);
    }

    @Test
    void aClientOwnedNameIsTakenOverByAnySessionOfThatClientOnly() {
        Route first = Route.ownedByClient("g1", "s-jwt-1", "signed", "agent-x");
        Route second = Route.ownedByClient("g2", "s-jwt-2", "signed", "agent-y");
        join(registry.claimHttp("jwt-name", first));
        assertThat(join(registry.claimHttp("jwt-name", bob))).isInstanceOf(ClaimOutcome.Taken.class);
        assertThat(join(registry.claimHttp("jwt-name", new Route("g1", "s-signed-plain", "signed", "agent-z"))))
                .as("not a client-owned session")
                .isInstanceOf(ClaimOutcome.Taken.class);
        ClaimOutcome outcome = join(registry.claimHttp("jwt-name", second));
        assertThat(outcome)
                .isInstanceOfSatisfying(
                        ClaimOutcome.TookOver.class,
                        took -> assertThat(took.previous()).isEqualTo(first));
        assertThat(join(registry.refreshHttp("jwt-name", first))).isEqualTo(RefreshOutcome.LOST);
    }

    @Test
    void aReservationForAnotherClientWinsAndTheOwnerMayClaim() {
        join(redis.set(List.of("porthole:reservation:{four}", "alice")));
        assertThat(join(registry.claimHttp("four", bob))).isInstanceOf(ClaimOutcome.Reserved.class);
        assertThat(join(registry.claimHttp("four", alice))).isInstanceOf(ClaimOutcome.Claimed.class);
    }

    @Test
    void onlyTheHoldingSessionReleasesTheName() {
        join(registry.claimHttp("five", alice));
        join(registry.releaseHttp("five", bob));
        assertThat(exists("five")).isTrue();
        join(registry.releaseHttp("five", alice));
        assertThat(exists("five")).isFalse();
    }

    @Test
    void aRefreshRestoresAnEntryThatVanishedFromRedis() {
        join(registry.claimHttp("six", alice));
        join(redis.del(List.of("porthole:route:http:{six}")));
        assertThat(join(registry.refreshHttp("six", alice))).isEqualTo(RefreshOutcome.RESTORED);
        assertThat(exists("six")).isTrue();
    }

    @Test
    void aClaimThatIsNotRefreshedExpires() {
        join(registry.claimHttp("seven", alice));
        long ttl = join(redis.pttl("porthole:route:http:{seven}")).toLong();
        assertThat(ttl).isBetween(1L, 2000L);
        await().atMost(Duration.ofSeconds(5)).until(() -> !exists("seven"));
        assertThat(join(registry.claimHttp("seven", bob))).isInstanceOf(ClaimOutcome.Claimed.class);
    }

    private boolean exists(String name) {
        return join(redis.exists(List.of("porthole:route:http:{" + name + "}"))).toInteger() == 1;
    }

    private static <T> T join(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
