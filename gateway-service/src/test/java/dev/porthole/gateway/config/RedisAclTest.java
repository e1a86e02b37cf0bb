package dev.porthole.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.testing.RedisAclTestResource;
import dev.porthole.testing.RedisServerProcess;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gateway works against a Redis that lets in only an ACL user with a password, and says clearly when the password is wrong. */
@QuarkusTest
@WithTestResource(value = RedisAclTestResource.class)
@WithTestResource(GatewayPortResource.class)
class RedisAclTest {

    @Inject
    Vertx vertx;

    @Test
    void servesAgentsWithTheAclUserAndPasswordInQuarkusRedisHosts() throws Exception {
        assertThat(RedisAclTestResource.server().commandWithoutLogin("PING"))
                .as("Redis refuses anyone without the password")
                .startsWith("-NOAUTH");
        TestAgent agent = TestAgent.connect(
                vertx,
                GatewayPortResource.port(),
                "Bearer test-token-0123456789",
                "acl-agent",
                List.of(TunnelRequest.http("acl-web", "x:1")));
        assertThat(agent.awaitWelcome().tunnels().getFirst().granted()).isTrue();
        assertThat(RedisAclTestResource.server().command("EXISTS porthole:route:http:{acl-web}"))
                .as("the route, in the ACL user's Redis")
                .isEqualTo(":1");
        agent.close();
    }

    @Test
    void aWrongPasswordStopsStartUpWithOneSentenceNamingTheSetting() {
        RedisServerProcess server = RedisAclTestResource.server();
        String wrong = server.url("not-the-password-42");
        Redis client = Redis.createClient(vertx, wrong);
        try {
            assertThatThrownBy(() -> new RedisLoginCheck().check(client, wrong))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("Redis at redis://127.0.0.1:" + server.port()
                            + " refused the login of user 'porthole' (WRONGPASS")
                    .hasMessageContaining("set QUARKUS_REDIS_HOSTS to redis://<user>:<password>@<host>:<port>")
                    .message()
                    .doesNotContain("not-the-password-42");
        } finally {
            client.close();
        }
    }
}
