package dev.porthole.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.testing.RedisAclTestResource;
import dev.porthole.testing.RedisServerProcess;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gateway works against a Redis that speaks TLS only (rediss://, its CA from the Quarkus TLS registry) with an ACL user. */
@QuarkusTest
@WithTestResource(value = RedisAclTestResource.class, initArgs = @ResourceArg(name = "tls", value = "true"))
@WithTestResource(GatewayPortResource.class)
class RedisTlsTest {

    @Inject
    Vertx vertx;

    @Test
    void servesAgentsOverTlsWithTheAclUser() throws Exception {
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
    void aWrongPasswordOverTlsStopsStartUpWithOneSentenceNamingTheSetting() {
        RedisServerProcess server = RedisAclTestResource.server();
        String wrong = server.url("not-the-password-42");
        Redis client = Redis.createClient(
                vertx,
                new RedisOptions()
                        .setConnectionString(wrong)
                        .setNetClientOptions(new NetClientOptions()
                                .setSsl(true)
                                .setHostnameVerificationAlgorithm("HTTPS")
                                .setTrustOptions(new PemTrustOptions()
                                        .addCertPath(server.certificate().toString()))));
        try {
            assertThatThrownBy(() -> new RedisLoginCheck().check(client, wrong))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("Redis at rediss://127.0.0.1:" + server.port()
                            + " refused the login of user 'porthole' (WRONGPASS")
                    .hasMessageContaining("set QUARKUS_REDIS_HOSTS to redis://<user>:<password>@<host>:<port>")
                    .message()
                    .doesNotContain("not-the-password-42");
        } finally {
            client.close();
        }
    }
}
