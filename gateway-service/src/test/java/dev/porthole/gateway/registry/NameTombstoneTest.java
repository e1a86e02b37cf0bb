package dev.porthole.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.testing.ManualClock;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A random name whose session ended stays its owner's for a while (issue 16.8): webhook URLs leak
 * to whoever polls for them, so a freed random name must not go to another agent, while the agent
 * that had it gets it back when it reconnects. Against a real Redis, with the registry's clock in
 * the test's hands.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class NameTombstoneTest {

    private static final Duration TTL = Duration.ofSeconds(30);

    @Inject
    RedisAPI redis;

    @Inject
    RedisKeys keys;

    private final ManualClock clock = new ManualClock();
    private final NameGenerator names = new NameGenerator();

    private final Route alice = new Route("g1", "s-tomb-alice", "alice", "agent-a");
    private final Route aliceReconnected = new Route("g2", "s-tomb-alice-2", "alice", "agent-a");
    private final Route bob = new Route("g1", "s-tomb-bob", "bob", "agent-b");

    private TunnelRegistry registry(Duration tombstone) {
        return new RedisTunnelRegistry(redis, keys, TTL, tombstone, names, clock);
    }

    @Test
    void aReleasedRandomNameIsRefusedToAnotherOwner() {
        TunnelRegistry registry = registry(Duration.ofHours(1));
        String name = names.next();
        assertThat(join(registry.claimHttp(name, alice))).isInstanceOf(ClaimOutcome.Claimed.class);
        join(registry.releaseHttp(name, alice));
        assertThat(join(registry.claimHttp(name, bob)))
                .as("freed random name claimed by another owner")
                .isInstanceOf(ClaimOutcome.Taken.class);
    }

    @Test
    void theSameOwnerGetsItsReleasedRandomNameBack() {
        TunnelRegistry registry = registry(Duration.ofHours(1));
        String name = names.next();
        join(registry.claimHttp(name, alice));
        join(registry.releaseHttp(name, alice));
        assertThat(join(registry.claimHttp(name, aliceReconnected))).isInstanceOf(ClaimOutcome.Claimed.class);
    }

    @Test
    void aRandomNameWhoseGatewayDiedIsGuardedToo() {
        TunnelRegistry registry = registry(Duration.ofHours(1));
        String name = names.next();
        join(registry.claimHttp(name, alice));
        // No release: the holding gateway died, and its place expired.
        clock.advance(TTL.plusSeconds(1));
        assertThat(join(registry.claimHttp(name, bob))).isInstanceOf(ClaimOutcome.Taken.class);
        assertThat(join(registry.claimHttp(name, aliceReconnected))).isInstanceOf(ClaimOutcome.Claimed.class);
    }

    @Test
    void anotherOwnerMayClaimTheNameOnceItsTombstoneExpired() {
        TunnelRegistry registry = registry(Duration.ofMillis(300));
        String name = names.next();
        join(registry.claimHttp(name, alice));
        join(registry.releaseHttp(name, alice));
        await().atMost(5, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> join(registry.claimHttp(name, bob)) instanceof ClaimOutcome.Claimed);
    }

    @Test
    void aChosenNameIsFreeForOthersOnceReleased() {
        TunnelRegistry registry = registry(Duration.ofHours(1));
        join(registry.claimHttp("chosen-by-alice", alice));
        join(registry.releaseHttp("chosen-by-alice", alice));
        assertThat(join(registry.claimHttp("chosen-by-alice", bob)))
                .as("grants and reservations govern chosen names")
                .isInstanceOf(ClaimOutcome.Claimed.class);
    }

    private static <T> T join(Future<T> future) {
        return future.toCompletionStage()
                .toCompletableFuture()
                .orTimeout(5, TimeUnit.SECONDS)
                .join();
    }
}
