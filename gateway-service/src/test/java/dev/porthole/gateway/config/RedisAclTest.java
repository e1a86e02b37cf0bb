package dev.porthole.gateway.config;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.testing.RedisAclTestResource;
import dev.porthole.testing.WrongRedisPassword;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import jakarta.inject.Inject;
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
        AclRedisExpectations.servesAnAgentWithTheAclUser(vertx);
    }

    @Test
    void aWrongPasswordStopsStartUpWithOneSentenceNamingTheSetting() {
        String wrong = WrongRedisPassword.url();
        WrongRedisPassword.assertRefused(Redis.createClient(vertx, wrong), wrong, new RedisLoginCheck()::check);
    }
}
