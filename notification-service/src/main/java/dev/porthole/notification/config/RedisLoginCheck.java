package dev.porthole.notification.config;

import dev.porthole.protocol.registry.RedisLogin;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.vertx.redis.client.Redis;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;

/**
 * Runs {@link RedisLogin}'s start-up check before anything else starts; a refusal stops start-up
 * as a {@link ConfigurationException}. The check lives in tunnel-protocol, which has no CDI beans.
 */
@ApplicationScoped
public class RedisLoginCheck {

    void check(@Observes @Priority(0) StartupEvent startup, Redis redis, Config config) {
        RedisLogin.stopOn(RedisLogin.check(redis, config), ConfigurationException::new);
    }

    /** Logs in through {@code redis}; throws when Redis refuses the login of {@code hosts}. */
    public void check(Redis redis, String hosts) {
        RedisLogin.stopOn(RedisLogin.check(redis, hosts), ConfigurationException::new);
    }
}
