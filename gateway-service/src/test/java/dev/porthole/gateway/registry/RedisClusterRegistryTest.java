package dev.porthole.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.control.ControlBroadcasts;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.testing.ManualClock;
import dev.porthole.testing.RedisClusterTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.ResponseType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The gateway's Redis scripts and commands against a real three-primary Redis Cluster (issue 22):
 * every script's keys share one slot, and what the gateway needs from the whole keyspace (the TCP
 * ports held anywhere) and from pub/sub works whichever node holds the keys.
 */
@QuarkusTest
@WithTestResource(RedisClusterTestResource.class)
@WithTestResource(GatewayPortResource.class)
class RedisClusterRegistryTest {

    private static final Duration TTL = Duration.ofSeconds(30);

    @Inject
    RedisAPI redis;

    @Inject
    Redis client;

    @Inject
    RedisKeys keys;

    @Inject
    ClientQuotas quotas;

    @Inject
    ControlBroadcasts broadcasts;

    private final ManualClock clock = new ManualClock();
    private final NameGenerator names = new NameGenerator();
    private final Route alice = new Route("g1", "s-cluster-alice", "alice", "agent-a");
    private final Route bob = new Route("g1", "s-cluster-bob", "bob", "agent-b");

    private RedisTunnelRegistry registry() {
        return new RedisTunnelRegistry(redis, keys, TTL, Duration.ofHours(1), names, clock);
    }

    @Test
    void aRandomNameIsClaimedRefreshedAndReleasedWithItsReservationAndTombstone() {
        RedisTunnelRegistry registry = registry();
        for (int i = 0; i < 6; i++) {
            String name = names.next();
            assertThat(join(registry.claimHttp(name, alice))).as(name).isInstanceOf(ClaimOutcome.Claimed.class);
            assertThat(join(registry.refreshHttp(name, alice))).isEqualTo(RefreshOutcome.REFRESHED);
            join(registry.releaseHttp(name, alice));
            assertThat(join(registry.claimHttp(name, bob)))
                    .as("tombstone of %s", name)
                    .isInstanceOf(ClaimOutcome.Taken.class);
        }
    }

    @Test
    void aReservedNameAndAReservedPortGoToTheirClientOnly() {
        RedisTunnelRegistry registry = registry();
        join(redis.set(List.of(keys.reservation("reserved-on-cluster"), "alice")));
        join(redis.set(List.of(keys.reservation(TunnelKey.tcpPort(20_001).reservationId()), "alice")));
        assertThat(join(registry.claimHttp("reserved-on-cluster", bob))).isInstanceOf(ClaimOutcome.Reserved.class);
        assertThat(join(registry.claimHttp("reserved-on-cluster", alice))).isInstanceOf(ClaimOutcome.Claimed.class);
        assertThat(join(registry.claim(TunnelKey.tcpPort(20_001), bob))).isInstanceOf(ClaimOutcome.Reserved.class);
        assertThat(join(registry.claim(TunnelKey.tcpPort(20_001), alice))).isInstanceOf(ClaimOutcome.Claimed.class);
    }

    @Test
    void theTcpPortsHeldOnEveryNodeAreFound() {
        RedisTunnelRegistry registry = registry();
        Set<Integer> ports = Set.of(20_101, 20_102, 20_103, 20_104, 20_105, 20_106, 20_107, 20_108);
        ports.forEach(port -> join(registry.claim(TunnelKey.tcpPort(port), alice)));
        assertThat(join(registry.tcpPorts())).containsAll(ports);
        join(registry.release(TunnelKey.tcpPort(20_101), alice));
        assertThat(join(registry.tcpPorts())).doesNotContain(20_101).contains(20_102);
    }

    @Test
    void clientQuotasHoldOnTheCluster() {
        assertThat(join(quotas.acquireSession("quota-client", "agent-1", 1))).isTrue();
        assertThat(join(quotas.acquireSession("quota-client", "agent-2", 1))).isFalse();
        assertThat(join(quotas.acquireTunnel("quota-client", "http:one", 1))).isTrue();
    }

    @Test
    void aMessagePublishedOnAnyNodeReachesTheSubscription() {
        await().atMost(Duration.ofSeconds(10)).until(broadcasts::isSubscribed);
        List<String> received = new CopyOnWriteArrayList<>();
        RedisConnection connection = join(client.connect());
        try {
            connection.handler(message -> {
                if (message.type() == ResponseType.PUSH
                        && message.size() == 3
                        && message.get(0).toString().equals("message")) {
                    received.add(message.get(2).toString());
                }
            });
            join(connection.send(Request.cmd(Command.SUBSCRIBE).arg(keys.control())));
            // Each PUBLISH goes to whichever node the client picks; the cluster forwards it to every node.
            for (int i = 0; i < 6; i++) {
                join(redis.publish(keys.control(), "probe-" + i));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 6);
        } finally {
            connection.close();
        }
    }

    private static <T> T join(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
