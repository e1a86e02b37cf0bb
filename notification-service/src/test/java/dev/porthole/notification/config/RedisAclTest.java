package dev.porthole.notification.config;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.testing.RedisAclTestResource;
import dev.porthole.testing.WrongRedisPassword;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import jakarta.inject.Inject;
import java.net.URL;
import org.junit.jupiter.api.Test;

/**
 * notification-service works against a Redis that lets in only an ACL user with a password, and says
 * clearly when the password is wrong. Restricted to this class, so that it wins over the shared Redis
 * the other tests declare for every class.
 */
@QuarkusTest
@QuarkusTestResource(value = RedisAclTestResource.class, restrictToAnnotatedClass = true)
class RedisAclTest {

    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;

    @Inject
    Vertx vertx;

    @Inject
    RedisDataSource redis;

    @Test
    void isReadyAndReadsRedisWithTheAclUser() {
        assertThat(RedisAclTestResource.server().commandWithoutLogin("PING"))
                .as("Redis refuses anyone without the password")
                .startsWith("-NOAUTH");
        given().get(ready).then().statusCode(200);
        redis.value(String.class).set("porthole:acl-probe", "written with the ACL user");
        assertThat(RedisAclTestResource.server().command("GET porthole:acl-probe"))
                .isEqualTo("$25");
    }

    @Test
    void aWrongPasswordStopsStartUpWithOneSentenceNamingTheSetting() {
        String wrong = WrongRedisPassword.url();
        WrongRedisPassword.assertRefused(Redis.createClient(vertx, wrong), wrong, new RedisLoginCheck()::check);
    }
}
