package dev.porthole.gateway.configfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.auth.StaticCredential;
import dev.porthole.gateway.limits.LimitPolicy;
import dev.porthole.gateway.support.ConfigFileResource;
import dev.porthole.gateway.support.EventStream;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The configuration file is put in force while the gateway runs: tokens come and go, a broken file
 * leaves the settings in force and is reported, and a file another gateway published is applied.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
@WithTestResource(ConfigFileResource.class)
class GatewayFileReloadTest {

    private static final Duration RELOAD = Duration.ofSeconds(10);

    @Inject
    Vertx vertx;

    @Inject
    RedisAPI redis;

    @Inject
    LimitPolicy limits;

    private boolean accepted(String token) {
        try {
            TestAgent agent = TestAgent.connect(
                    vertx,
                    GatewayPortResource.port(),
                    "Bearer " + token,
                    "probe",
                    List.of(TunnelRequest.http("", "x:1")));
            agent.awaitWelcome();
            agent.close();
            return true;
        } catch (RuntimeException | AssertionError e) {
            return false;
        }
    }

    private int refusal(String token) {
        return TestAgent.rejection(vertx, GatewayPortResource.port(), "Bearer " + token)
                .getStatus();
    }

    @Test
    void anAddedTokenIsAcceptedAndARemovedOneRefusedWithItsSessionsClosed() {
        ConfigFileResource.write("tokens: [ \"file-token-a-0123456789\", \"file-token-b-0123456789\" ]\n");
        await().atMost(RELOAD).until(() -> accepted("file-token-b-0123456789"));
        TestAgent holder = TestAgent.connect(
                vertx,
                GatewayPortResource.port(),
                "Bearer file-token-b-0123456789",
                "holder",
                List.of(TunnelRequest.http("", "x:1")));
        holder.awaitWelcome();
        assertThat(refusal("test-token-0123456789"))
                .as("the file's tokens replace porthole.gateway.auth.tokens")
                .isEqualTo(401);

        ConfigFileResource.write("""
                tokens: [ "file-token-a-0123456789" ]
                clients:
                  - { id: team-c, token: "file-token-c-0123456789", subdomains: [ "c-*" ] }
                """);

        await().atMost(RELOAD).until(() -> holder.closeCode() == CloseCode.CREDENTIALS_REVOKED.code());
        assertThat(holder.closed.join()).contains("removed from the gateway's configuration file");
        assertThat(refusal("file-token-b-0123456789")).isEqualTo(401);
        assertThat(accepted("file-token-c-0123456789")).isTrue();
        assertThat(accepted("file-token-a-0123456789")).isTrue();
    }

    @Test
    void aBrokenFileKeepsTheSettingsInForceAndPublishesTheRejection() {
        ConfigFileResource.write("tokens: [ \"file-token-e-0123456789\" ]\nlimits: { streams-per-tunnel: 11 }\n");
        await().atMost(RELOAD).until(() -> accepted("file-token-e-0123456789"));
        assertThat(limits.current().streamsPerTunnel()).isEqualTo(11);

        ConfigFileResource.write("""
                tokens: [ "file-token-f-0123456789" ]
                limits:
                  streams-per-tunnel: 12
                  max-body-size: lots
                """);

        await().atMost(RELOAD)
                .until(() -> EventStream.text(redis)
                        .contains("porthole.yml line 4: limits.max-body-size: \\\"lots\\\" is not a size like 10MiB"));
        assertThat(EventStream.text(redis)).contains("config.rejected");
        assertThat(accepted("file-token-e-0123456789")).isTrue();
        assertThat(refusal("file-token-f-0123456789")).isEqualTo(401);
        assertThat(limits.current().streamsPerTunnel()).isEqualTo(11);
    }

    @Test
    void aChangedDomainIsReportedAsNeedingARestartAndTheRestApplies() {
        ConfigFileResource.write("domain: elsewhere.example.com\ntokens: [ \"file-token-g-0123456789\" ]\n");
        await().atMost(RELOAD).until(() -> accepted("file-token-g-0123456789"));
        assertThat(EventStream.text(redis)).contains("domain needs a restart");
        assertThat(accepted("file-token-g-0123456789"))
                .as("the other keys apply at once")
                .isTrue();
    }

    @Test
    void aFileAnotherGatewayPublishedIsApplied() throws Exception {
        String published = new JsonObject()
                .put("version", System.currentTimeMillis() + 60_000)
                .put("gateway", "another-gateway")
                .put("digest", "d".repeat(64))
                .put("source", "porthole.yml")
                .put("content", "tokens: [ \"published-token-0123456789\" ]\nlimits: { streams-per-tunnel: 13 }\n")
                .encode();
        redis.publish("porthole:config", published)
                .toCompletionStage()
                .toCompletableFuture()
                .get();

        await().atMost(RELOAD).until(() -> accepted("published-token-0123456789"));
        assertThat(limits.current().streamsPerTunnel()).isEqualTo(13);
        assertThat(EventStream.text(redis)).contains("config.reloaded").contains("from gateway another-gateway");
    }

    @Test
    void publishesTokenHashesNeverTheTokensThemselves() throws Exception {
        List<String> messages = new CopyOnWriteArrayList<>();
        RedisConnection listener = Redis.createClient(vertx, RedisTestResource.url())
                .connect()
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        listener.handler(message -> messages.add(message.toString()));
        listener.send(Request.cmd(Command.SUBSCRIBE).arg("porthole:config"))
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        try {
            ConfigFileResource.write("""
                    tokens: [ "file-token-h-0123456789" ]
                    clients:
                      - { id: team-h, token: "file-token-i-0123456789", subdomains: [ "h-*" ] }
                    """);
            await().atMost(RELOAD).until(() -> messages.stream().anyMatch(message -> message.contains("team-h")));
            String published = messages.stream()
                    .filter(message -> message.contains("team-h"))
                    .findFirst()
                    .orElseThrow();
            assertThat(published)
                    .doesNotContain("file-token-h-0123456789")
                    .doesNotContain("file-token-i-0123456789")
                    .contains(
                            StaticCredential.hashed("file-token-h-0123456789"),
                            StaticCredential.hashed("file-token-i-0123456789"));
        } finally {
            listener.close();
        }
    }

    @Test
    void aPublishedFileWithTokenHashesAcceptsTheTokensWhoseHashesItHolds() throws Exception {
        String published = new JsonObject()
                .put("version", System.currentTimeMillis() + 60_000)
                .put("gateway", "another-gateway")
                .put("digest", "e".repeat(64))
                .put("source", "porthole.yml")
                .put("content", "tokens: [ \"" + StaticCredential.hashed("hashed-token-0123456789") + "\" ]\n")
                .encode();
        redis.publish("porthole:config", published)
                .toCompletionStage()
                .toCompletableFuture()
                .get();

        await().atMost(RELOAD).until(() -> accepted("hashed-token-0123456789"));
        assertThat(refusal(StaticCredential.hashed("hashed-token-0123456789")))
                .as("the hash itself is no token")
                .isEqualTo(401);
    }
}
