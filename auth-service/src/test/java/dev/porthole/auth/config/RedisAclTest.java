package dev.porthole.auth.config;

import static dev.porthole.auth.testing.AdminApi.asAdmin;
import static dev.porthole.auth.testing.AdminApi.createClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.porthole.testing.RedisAclTestResource;
import dev.porthole.testing.WrongRedisPassword;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** auth-service works against a Redis that lets in only an ACL user with a password, and says clearly when the password is wrong. */
@QuarkusTest
@WithTestResource(RedisAclTestResource.class)
class RedisAclTest {

    @Inject
    Vertx vertx;

    @Test
    void keepsClientsInARedisThatRequiresTheAclUser() {
        assertThat(RedisAclTestResource.server().commandWithoutLogin("PING"))
                .as("Redis refuses anyone without the password")
                .startsWith("-NOAUTH");
        createClient("acl-client", Map.of());
        asAdmin()
                .when()
                .get("/api/v1/clients/{id}", "acl-client")
                .then()
                .statusCode(200)
                .body("id", equalTo("acl-client"));
        assertThat(RedisAclTestResource.server().command("EXISTS porthole:client:acl-client"))
                .isEqualTo(":1");
    }

    @Test
    void aWrongPasswordStopsStartUpWithOneSentenceNamingTheSetting() {
        String wrong = WrongRedisPassword.url();
        WrongRedisPassword.assertRefused(Redis.createClient(vertx, wrong), wrong, new RedisLoginCheck()::check);
    }
}
