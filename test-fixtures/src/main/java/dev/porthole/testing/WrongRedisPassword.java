package dev.porthole.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.vertx.redis.client.Redis;
import java.util.function.BiConsumer;

/**
 * What each service's Redis login check must do when the ACL password is wrong: stop start-up with
 * one sentence that names the setting and never the password. For the services' tests against
 * {@link RedisAclTestResource}.
 */
public final class WrongRedisPassword {

    /** The wrong password the check is given. */
    public static final String PASSWORD = "not-the-password-42";

    private WrongRedisPassword() {}

    /** The test server's URL with the wrong password. */
    public static String url() {
        return RedisAclTestResource.server().url(PASSWORD);
    }

    /**
     * Asserts that {@code check} (a service's {@code RedisLoginCheck::check}) refuses {@code client},
     * made for {@code url} ({@link #url()}, or its {@code rediss://} form), and closes the client.
     */
    public static void assertRefused(Redis client, String url, BiConsumer<Redis, String> check) {
        String scheme = url.substring(0, url.indexOf("://"));
        try {
            assertThatThrownBy(() -> check.accept(client, url))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("Redis at " + scheme + "://127.0.0.1:"
                            + RedisAclTestResource.server().port()
                            + " refused the login of user '" + RedisAclTestResource.USER + "' (WRONGPASS")
                    .hasMessageContaining("set QUARKUS_REDIS_HOSTS to redis://<user>:<password>@<host>:<port>")
                    .message()
                    .doesNotContain(PASSWORD);
        } finally {
            client.close();
        }
    }
}
