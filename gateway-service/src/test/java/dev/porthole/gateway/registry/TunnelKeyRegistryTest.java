package dev.porthole.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The key spaces of TCP ports and private names in a real Redis: their key names, and which rules apply to them. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class TunnelKeyRegistryTest {

    @Inject
    TunnelRegistry registry;

    @Inject
    RedisAPI redis;

    private final Route alice = new Route("g1", "s-a", "alice", "agent-a");
    private final Route bob = new Route("g1", "s-b", "bob", "agent-b");

    @Test
    void portsAndPrivateNamesLiveInTheirOwnKeysWithTheRouteAsJson() {
        join(registry.claim(TunnelKey.tcpPort(20001), alice));
        join(registry.claim(TunnelKey.privateTunnel("db"), alice));
        assertThat(join(redis.get("porthole:route:tcp:{tcp:20001}")).toString())
                .contains("\"sessionId\":\"s-a\"")
                .contains("\"owner\":\"alice/agent-a\"");
        assertThat(join(redis.get("porthole:route:private:{db}")).toString()).contains("\"clientId\":\"alice\"");
        // An HTTP tunnel of the same name is another key: the two do not collide.
        assertThat(join(registry.claimHttp("db", bob))).isInstanceOf(ClaimOutcome.Claimed.class);
        assertThat(join(registry.claim(TunnelKey.privateTunnel("db"), bob))).isInstanceOf(ClaimOutcome.Taken.class);
    }

    @Test
    void nameReservationsApplyToPrivateNamesButNotToPorts() {
        join(redis.set(List.of("porthole:reservation:{vault}", "alice")));
        join(redis.set(List.of("porthole:reservation:{20002}", "alice")));
        assertThat(join(registry.claim(TunnelKey.privateTunnel("vault"), bob)))
                .isInstanceOf(ClaimOutcome.Reserved.class);
        assertThat(join(registry.claim(TunnelKey.tcpPort(20002), bob))).isInstanceOf(ClaimOutcome.Claimed.class);
    }

    @Test
    void aPortIsReleasedOnlyByItsSessionAndRefreshedBackAfterAFlush() {
        join(registry.claim(TunnelKey.tcpPort(20003), alice));
        join(registry.release(TunnelKey.tcpPort(20003), bob));
        assertThat(join(redis.exists(List.of("porthole:route:tcp:{tcp:20003}"))).toInteger())
                .isEqualTo(1);
        join(redis.del(List.of("porthole:route:tcp:{tcp:20003}")));
        assertThat(join(registry.refresh(TunnelKey.tcpPort(20003), alice))).isEqualTo(RefreshOutcome.RESTORED);
        join(registry.release(TunnelKey.tcpPort(20003), alice));
        assertThat(join(redis.exists(List.of("porthole:route:tcp:{tcp:20003}"))).toInteger())
                .isZero();
    }

    private static <T> T join(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
