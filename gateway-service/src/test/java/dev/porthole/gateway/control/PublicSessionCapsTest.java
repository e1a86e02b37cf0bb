package dev.porthole.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Public sessions cannot be multiplied without limit (issue 16.7): their identity is whatever the
 * agent says, so the gateway caps them per source address and in total, across gateways (Redis).
 */
@QuarkusTest
@TestProfile(PublicSessionCapsTest.Capped.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class PublicSessionCapsTest {

    /** Public mode with two sessions per address and three in total. */
    public static final class Capped extends GatewayTestProfiles.Overrides {
        public Capped() {
            super("""
                    porthole.gateway.auth.tokens=
                    porthole.gateway.auth.public-sessions-per-address=2
                    porthole.gateway.auth.public-sessions=3
                    """);
        }
    }

    @Inject
    Vertx vertx;

    @Inject
    RedisAPI redis;

    private final List<TestAgent> agents = new java.util.ArrayList<>();

    @AfterEach
    void closeAgents() {
        agents.forEach(TestAgent::close);
        await().until(() -> places("porthole:client-sessions:public@127.0.0.1") == 0
                && places("porthole:client-sessions:public*") == 0);
    }

    @Test
    void capsPublicSessionsPerSourceAddress() {
        agents.add(welcomed(TestAgent.connect(vertx, GatewayPortResource.port(), null, "agent-p1", http())));
        agents.add(welcomed(TestAgent.connect(vertx, GatewayPortResource.port(), null, "agent-p2", http())));
        UpgradeRejectedException third = TestAgent.rejection(vertx, GatewayPortResource.port(), null);
        assertThat(third.getStatus())
                .as("a third public session from one address")
                .isEqualTo(429);
        assertThat(third.getBody().toString()).contains("2 public sessions from this address");

        agents.removeFirst().close();
        await().atMost(10, TimeUnit.SECONDS).until(() -> places("porthole:client-sessions:public@127.0.0.1") == 1);
        agents.add(welcomed(TestAgent.connect(vertx, GatewayPortResource.port(), null, "agent-p3", http())));
    }

    @Test
    void capsPublicSessionsInTotal() {
        agents.add(welcomed(TestAgent.connect(vertx, GatewayPortResource.port(), null, "agent-t1", http())));
        agents.add(welcomed(TestAgent.connect(vertx, GatewayPortResource.port(), null, "agent-t2", http())));
        agents.add(welcomed(TestAgent.connectFrom(vertx, "127.0.0.2", GatewayPortResource.port(), "agent-t3", http())));
        UpgradeRejectedException fourth = TestAgent.rejection(vertx, "127.0.0.3", GatewayPortResource.port(), null);
        assertThat(fourth.getStatus())
                .as("a fourth public session, from a fresh address")
                .isEqualTo(429);
        assertThat(fourth.getBody().toString()).contains("3 public sessions");
    }

    private static TestAgent welcomed(TestAgent agent) {
        assertThat(agent.awaitWelcome().tunnels().getFirst().granted()).isTrue();
        return agent;
    }

    private static List<TunnelRequest> http() {
        return List.of(TunnelRequest.http("", "x:1"));
    }

    private long places(String key) {
        return redis.zcard(key)
                .toCompletionStage()
                .toCompletableFuture()
                .orTimeout(5, TimeUnit.SECONDS)
                .join()
                .toLong();
    }
}
