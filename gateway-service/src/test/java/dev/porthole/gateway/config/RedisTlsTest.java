package dev.porthole.gateway.config;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.testing.RedisAclTestResource;
import dev.porthole.testing.WrongRedisPassword;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import jakarta.inject.Inject;
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
        AclRedisExpectations.servesAnAgentWithTheAclUser(vertx);
    }

    @Test
    void aWrongPasswordOverTlsStopsStartUpWithOneSentenceNamingTheSetting() {
        String wrong = WrongRedisPassword.url();
        Redis client = Redis.createClient(
                vertx,
                new RedisOptions()
                        .setConnectionString(wrong)
                        .setNetClientOptions(new NetClientOptions()
                                .setSsl(true)
                                .setHostnameVerificationAlgorithm("HTTPS")
                                .setTrustOptions(new PemTrustOptions()
                                        .addCertPath(RedisAclTestResource.server()
                                                .certificate()
                                                .toString()))));
        WrongRedisPassword.assertRefused(client, wrong, new RedisLoginCheck()::check);
    }
}
