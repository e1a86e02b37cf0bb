package dev.porthole.gateway.config;

import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.control.ControlBroadcasts;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.broadcast.BroadcastCodec;
import dev.porthole.protocol.broadcast.ControlBroadcast;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.testing.RedisSentinelProcesses;
import dev.porthole.testing.RedisSentinelTestResource;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The gateway on Redis behind Sentinel (a primary, two replicas, three Sentinels, all requiring
 * one password): a Sentinel configuration without a master name, with one the Sentinels do not
 * monitor, or with a wrong password stops start-up with one sentence; the primary SIGKILLed, claims get the retryable refusal until a replica is
 * promoted, then succeed, the live session's route is written back and the {@code control}
 * subscription follows the new primary.
 */
@QuarkusTest
@WithTestResource(RedisSentinelTestResource.class)
@WithTestResource(GatewayPortResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisSentinelTest {

    @Inject
    Vertx vertx;

    @Inject
    RedisAPI redis;

    @Inject
    ControlBroadcasts broadcasts;

    @Test
    @Order(1)
    void aSentinelClientWithoutAMasterNameStopsStartUpNamingTheSetting() {
        RedisSentinelProcesses sentinels = RedisSentinelTestResource.processes();
        assertThatThrownBy(() -> new RedisLoginCheck().check(null, null, sentinelSettings(sentinels.hosts(), null)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(
                        "QUARKUS_REDIS_CLIENT_TYPE is sentinel but QUARKUS_REDIS_MASTER_NAME is not set")
                .hasMessageContaining("'sentinel monitor <name> <host> <port> <quorum>'");
        assertThatThrownBy(
                        () -> new RedisLoginCheck().check(null, null, sentinelSettings(sentinels.hosts(), "replica")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage(
                        "QUARKUS_REDIS_ROLE is 'replica', but Porthole writes to Redis: leave QUARKUS_REDIS_ROLE unset or set it to master");
    }

    /** The settings of a Sentinel client: a master name only with {@code role}, which may be null. */
    private static Config sentinelSettings(String hosts, String role) {
        SmallRyeConfigBuilder config = new SmallRyeConfigBuilder()
                .withDefaultValue("quarkus.redis.hosts", hosts)
                .withDefaultValue("quarkus.redis.client-type", "sentinel");
        if (role != null) {
            config.withDefaultValue("quarkus.redis.master-name", "porthole")
                    .withDefaultValue("quarkus.redis.role", role);
        }
        return config.build();
    }

    @Test
    @Order(2)
    void sentinelsThatMonitorNoSuchMasterStopStartUpNamingTheSetting() {
        RedisSentinelProcesses sentinels = RedisSentinelTestResource.processes();
        RedisOptions options =
                new RedisOptions().setType(RedisClientType.SENTINEL).setMasterName("elsewhere");
        Arrays.stream(sentinels.hosts().split(",")).forEach(options::addConnectionString);
        Redis client = Redis.createClient(vertx, options);
        try {
            assertThatThrownBy(() -> new RedisLoginCheck().check(client, sentinels.hosts()))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("the Sentinels at redis://127.0.0.1:")
                    .hasMessageContaining("monitor no master by the name in QUARKUS_REDIS_MASTER_NAME");
        } finally {
            client.close();
        }
    }

    @Test
    @Order(3)
    void aWrongPasswordForTheSentinelsStopsStartUpNamingTheSetting() {
        RedisSentinelProcesses sentinels = RedisSentinelTestResource.processes();
        String wrong = sentinels.hosts("not-the-password-42");
        RedisOptions options =
                new RedisOptions().setType(RedisClientType.SENTINEL).setMasterName(RedisSentinelProcesses.MASTER_NAME);
        Arrays.stream(wrong.split(",")).forEach(options::addConnectionString);
        Redis client = Redis.createClient(vertx, options);
        try {
            assertThatThrownBy(() -> new RedisLoginCheck().check(client, wrong))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("Redis at redis://127.0.0.1:")
                    .hasMessageContaining("refused the login of the default user (")
                    .hasMessageContaining("set QUARKUS_REDIS_HOSTS to")
                    .message()
                    .doesNotContain("not-the-password-42");
        } finally {
            client.close();
        }
    }

    @Test
    @Order(4)
    void afterThePrimaryIsKilledClaimsWaitForThePromotionAndTheSubscriptionFollowsIt() throws Exception {
        RedisSentinelProcesses sentinels = RedisSentinelTestResource.processes();
        await().until(broadcasts::isSubscribed);
        TestAgent steady = TestAgent.connectHttp(vertx, TOKEN, "agent-steady", "steady");
        String sessionId = steady.awaitWelcome().sessionId();
        int oldPrimary = sentinels.primaryPort();
        assertThat(sentinels.cli(oldPrimary, "EXISTS", "porthole:route:http:{steady}"))
                .isEqualTo("1");

        sentinels.killPrimary();
        TestAgent during = TestAgent.connectHttp(vertx, TOKEN, "agent-during", "during");
        TunnelResult refused = during.awaitWelcome().tunnels().getFirst();
        assertThat(refused.status())
                .as("a claim while no primary answers: " + refused.message())
                .isEqualTo(TunnelResult.UNAVAILABLE);
        assertThat(refused.message()).contains("the tunnel registry is unavailable right now");
        during.close();

        int newPrimary = sentinels.awaitPromotion(oldPrimary, Duration.ofSeconds(30));
        await("a claim once a replica is promoted")
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    TestAgent after = TestAgent.connectHttp(vertx, TOKEN, "agent-after", "after");
                    boolean granted = after.awaitWelcome().tunnels().getFirst().status() == TunnelResult.GRANTED;
                    if (!granted) {
                        after.close();
                    }
                    return granted;
                });
        assertThat(sentinels.cli(newPrimary, "EXISTS", "porthole:route:http:{after}"))
                .isEqualTo("1");
        await("the live session's route on the new primary")
                .atMost(Duration.ofSeconds(15))
                .until(() -> sentinels
                        .cli(newPrimary, "EXISTS", "porthole:route:http:{steady}")
                        .equals("1"));

        // A kick published through the new primary reaches the subscription once it is back on it.
        String kick = BroadcastCodec.toJson(new ControlBroadcast.SessionKicked(sessionId, "any-gateway", "token-1"));
        await("the control subscription on the new primary")
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    redis.publish("porthole:control", kick)
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(5, TimeUnit.SECONDS);
                    return steady.closeCode() == CloseCode.KICKED.code();
                });
    }
}
