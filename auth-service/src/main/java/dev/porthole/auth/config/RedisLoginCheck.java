package dev.porthole.auth.config;

import dev.porthole.protocol.registry.RedisLogin;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.vertx.redis.client.Redis;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Logs in to Redis before anything else starts: a refused login (wrong ACL user or password) stops
 * start-up with one sentence naming QUARKUS_REDIS_HOSTS ({@link RedisLogin}); Redis unreachable
 * only warns, since the service waits for it like for any Redis outage.
 */
@ApplicationScoped
public class RedisLoginCheck {

    public void check(@Observes @Priority(0) StartupEvent startup, Redis redis, @ConfigProperty(name = "quarkus.redis.hosts") String hosts) {
        RedisLogin.check(redis, hosts).ifPresent(problem -> {
            Log.error(problem);
            throw new ConfigurationException(problem);
        });
    }
}
