package dev.porthole.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.testing.ManualClock;
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

/**
 * Several holders of one HTTP name (an agent with {@code --ha}: one session on each of two
 * gateways) against a real Redis, with the registry's clock in the test's hands: each holder has
 * its own expiry and place, and uniqueness across clients holds as before.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class HaHoldersTest {

    private static final Duration TTL = Duration.ofSeconds(60);

    @Inject
    RedisAPI redis;

    @Inject
    RedisKeys keys;

    private final ManualClock clock = new ManualClock();

    private final Route first = new Route("g1", "s-ha-1", "alice", "agent-a").asHa();
    private final Route second = new Route("g2", "s-ha-2", "alice", "agent-a").asHa();
    private final Route plainSameAgent = new Route("g3", "s-plain", "alice", "agent-a");
    private final Route otherAgentHa = new Route("g3", "s-other", "alice", "agent-b").asHa();
    private final Route bob = new Route("g3", "s-bob", "bob", "agent-c").asHa();

    private TunnelRegistry registry() {
        return new RedisTunnelRegistry(redis, keys, TTL, clock);
    }

    /** A registry in which both HA sessions, {@code first} then {@code second}, hold the HTTP name {@code name}. */
    private TunnelRegistry heldByBoth(String name) {
        TunnelRegistry registry = registry();
        join(registry.claimHttp(name, first));
        join(registry.claimHttp(name, second));
        return registry;
    }

    @Test
    void twoHaSessionsOfOneAgentBothHoldTheName() {
        TunnelRegistry registry = registry();
        assertThat(join(registry.claimHttp("ha-both", first))).isInstanceOf(ClaimOutcome.Claimed.class);
        clock.advance(Duration.ofSeconds(1));
        assertThat(join(registry.claimHttp("ha-both", second)))
                .isInstanceOfSatisfying(
                        ClaimOutcome.Joined.class,
                        joined -> assertThat(joined.first()).isEqualTo(first));
        assertThat(holders(registry, "ha-both"))
                .as("the most recently refreshed first")
                .containsExactly(second, first);
        clock.advance(Duration.ofSeconds(1));
        assertThat(join(registry.refreshHttp("ha-both", first))).isEqualTo(RefreshOutcome.REFRESHED);
        assertThat(join(registry.refreshHttp("ha-both", second))).isEqualTo(RefreshOutcome.REFRESHED);
        assertThat(holders(registry, "ha-both")).containsExactlyInAnyOrder(first, second);
    }

    @Test
    void anotherClientOrAnotherAgentIsRefusedWhileAnyHolderLives() {
        TunnelRegistry registry = heldByBoth("ha-taken");
        assertThat(join(registry.claimHttp("ha-taken", bob))).isInstanceOf(ClaimOutcome.Taken.class);
        assertThat(join(registry.claimHttp("ha-taken", otherAgentHa)))
                .as("HA joins only the same agent's sessions")
                .isInstanceOf(ClaimOutcome.Taken.class);
        join(registry.releaseHttp("ha-taken", first));
        assertThat(join(registry.claimHttp("ha-taken", bob))).isInstanceOf(ClaimOutcome.Taken.class);
        assertThat(holders(registry, "ha-taken")).containsExactly(second);
    }

    @Test
    void releasingOneHolderLeavesTheOtherAndReleasingBothFreesTheName() {
        TunnelRegistry registry = heldByBoth("ha-release");
        join(registry.releaseHttp("ha-release", second));
        assertThat(holders(registry, "ha-release")).containsExactly(first);
        assertThat(join(registry.refreshHttp("ha-release", first))).isEqualTo(RefreshOutcome.REFRESHED);
        join(registry.releaseHttp("ha-release", bob));
        assertThat(holders(registry, "ha-release"))
                .as("only a holder releases its place")
                .containsExactly(first);
        join(registry.releaseHttp("ha-release", first));
        assertThat(exists("ha-release")).isFalse();
        assertThat(join(registry.claimHttp("ha-release", bob))).isInstanceOf(ClaimOutcome.Claimed.class);
    }

    @Test
    void aHolderThatStopsRefreshingExpiresAloneAndTheNameIsFreeWhenTheLastOneDoes() {
        TunnelRegistry registry = heldByBoth("ha-expiry");
        clock.advance(TTL.dividedBy(2));
        join(registry.refreshHttp("ha-expiry", first));
        clock.advance(TTL.dividedBy(2).plusSeconds(1));
        assertThat(holders(registry, "ha-expiry"))
                .as("the second holder's place expired, the first's did not")
                .containsExactly(first);
        assertThat(join(registry.claimHttp("ha-expiry", bob))).isInstanceOf(ClaimOutcome.Taken.class);
        assertThat(join(registry.refreshHttp("ha-expiry", first))).isEqualTo(RefreshOutcome.REFRESHED);
        clock.advance(TTL.plusSeconds(1));
        assertThat(holders(registry, "ha-expiry")).isEmpty();
        assertThat(join(registry.claimHttp("ha-expiry", bob))).isInstanceOf(ClaimOutcome.Claimed.class);
    }

    @Test
    void anHaSessionWhosePlaceAloneExpiredTakesItBackOnItsNextRefresh() {
        TunnelRegistry registry = heldByBoth("ha-back");
        clock.advance(TTL.minusSeconds(1));
        join(registry.refreshHttp("ha-back", first));
        clock.advance(Duration.ofSeconds(2));
        assertThat(join(registry.refreshHttp("ha-back", second))).isEqualTo(RefreshOutcome.RESTORED);
        assertThat(holders(registry, "ha-back")).containsExactlyInAnyOrder(first, second);
    }

    @Test
    void aPlainSessionOfTheSameAgentStillTakesEveryPlaceOver() {
        TunnelRegistry registry = heldByBoth("ha-plain");
        assertThat(join(registry.claimHttp("ha-plain", plainSameAgent))).isInstanceOf(ClaimOutcome.TookOver.class);
        assertThat(holders(registry, "ha-plain")).containsExactly(plainSameAgent);
        assertThat(join(registry.refreshHttp("ha-plain", first))).isEqualTo(RefreshOutcome.LOST);
        assertThat(join(registry.refreshHttp("ha-plain", second))).isEqualTo(RefreshOutcome.LOST);
        assertThat(join(registry.claimHttp("ha-plain", first)))
                .as("a plain holder is not joined")
                .isInstanceOf(ClaimOutcome.TookOver.class);
    }

    @Test
    void tcpPortsKeepOneHolder() {
        TunnelRegistry registry = registry();
        join(registry.claim(TunnelKey.tcpPort(20999), first));
        assertThat(join(registry.claim(TunnelKey.tcpPort(20999), second))).isInstanceOf(ClaimOutcome.TookOver.class);
        assertThat(join(registry.holders(TunnelKey.tcpPort(20999)))).containsExactly(second);
    }

    @Test
    void aRecordWrittenBeforeHaIsReadAsOneHolder() {
        TunnelRegistry registry = registry();
        Route old = new Route("g9", "s-old", "alice", "agent-a");
        join(redis.set(List.of(
                keys.httpRoute("ha-old"),
                "{\"gatewayId\":\"g9\",\"sessionId\":\"s-old\",\"clientId\":\"alice\",\"agentId\":\"agent-a\","
                        + "\"owner\":\"alice/agent-a\"}",
                "PX",
                "60000")));
        assertThat(holders(registry, "ha-old")).containsExactly(old);
        assertThat(join(registry.refreshHttp("ha-old", old))).isEqualTo(RefreshOutcome.REFRESHED);
        assertThat(join(registry.claimHttp("ha-old", bob))).isInstanceOf(ClaimOutcome.Taken.class);
        join(registry.releaseHttp("ha-old", old));
        assertThat(exists("ha-old")).isFalse();
    }

    private static List<Route> holders(TunnelRegistry registry, String name) {
        return join(registry.holders(TunnelKey.http(name)));
    }

    private boolean exists(String name) {
        return join(redis.exists(List.of(keys.httpRoute(name)))).toInteger() == 1;
    }

    private static <T> T join(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
