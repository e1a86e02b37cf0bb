package dev.porthole.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.broadcast.BroadcastCodec;
import dev.porthole.protocol.broadcast.ControlBroadcast;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Broadcasts published on Redis close the named sessions at once; the others stay. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class ControlBroadcastsTest {

    private static final String FIRST_TOKEN = "Bearer test-token-0123456789";
    private static final String SECOND_TOKEN = "Bearer second-token-0123456789";

    @Inject
    Vertx vertx;

    @Inject
    RedisAPI redis;

    @Inject
    ControlBroadcasts broadcasts;

    @BeforeEach
    void subscribed() {
        await().until(broadcasts::isSubscribed);
    }

    private void publish(ControlBroadcast broadcast) throws Exception {
        redis.publish("porthole:control", BroadcastCodec.toJson(broadcast))
                .toCompletionStage()
                .toCompletableFuture()
                .get();
    }

    @Test
    void aDisabledClientsSessionsCloseWithinASecondAndOthersStay() throws Exception {
        TestAgent first = TestAgent.connectHttp(vertx, FIRST_TOKEN, "agent-b1", "");
        TestAgent second = TestAgent.connectHttp(vertx, SECOND_TOKEN, "agent-b2", "");
        first.awaitWelcome();
        second.awaitWelcome();
        publish(new ControlBroadcast.ClientDisabled("token-1"));
        await().atMost(Duration.ofSeconds(1)).until(() -> first.closeCode() == CloseCode.CREDENTIALS_REVOKED.code());
        assertThat(first.closed.join()).contains("client 'token-1' was disabled by an administrator");
        assertThat(second.closed).isNotDone();
        second.close();
    }

    @Test
    void aKickClosesExactlyThatSession() throws Exception {
        TestAgent kicked = TestAgent.connectHttp(vertx, FIRST_TOKEN, "agent-k1", "");
        TestAgent kept = TestAgent.connectHttp(vertx, FIRST_TOKEN, "agent-k2", "");
        String sessionId = kicked.awaitWelcome().sessionId();
        kept.awaitWelcome();
        publish(new ControlBroadcast.SessionKicked(sessionId, "any-gateway", "token-1"));
        await().atMost(Duration.ofSeconds(1)).until(() -> kicked.closeCode() == CloseCode.KICKED.code());
        assertThat(kept.closed).isNotDone();
        kept.close();
    }

    @Test
    void aMalformedBroadcastIsIgnoredAndTheSubscriptionKeepsWorking() throws Exception {
        redis.publish("porthole:control", "{not json")
                .toCompletionStage()
                .toCompletableFuture()
                .get();
        redis.publish("porthole:control", "{\"v\":1,\"type\":\"martians.landed\"}")
                .toCompletionStage()
                .toCompletableFuture()
                .get();
        TestAgent agent = TestAgent.connectHttp(vertx, SECOND_TOKEN, "agent-m", "");
        String sessionId = agent.awaitWelcome().sessionId();
        publish(new ControlBroadcast.SessionKicked(sessionId, "g", "token-2"));
        await().atMost(Duration.ofSeconds(1)).until(() -> agent.closeCode() == CloseCode.KICKED.code());
    }
}
