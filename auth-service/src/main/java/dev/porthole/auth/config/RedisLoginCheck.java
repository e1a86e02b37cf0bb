package dev.porthole.auth.config;

import dev.porthole.protocol.registry.RedisLogin;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.vertx.redis.client.Redis;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Checks the Redis settings and logs in to Redis before anything else starts: a Sentinel client
 * without a master name, a refused login (wrong ACL user or password) or Sentinels that know no
 * such master stops start-up with one sentence naming the setting ({@link RedisLogin}); Redis
 * unreachable only warns, since the service waits for it like for any Redis outage.
 */
@ApplicationScoped
public class RedisLoginCheck {

    public void check(
            @Observes @Priority(0) StartupEvent startup,
            Redis redis,
            @ConfigProperty(name = "quarkus.redis.hosts") String hosts,
            @ConfigProperty(name = "quarkus.redis.client-type", defaultValue = "standalone") String clientType,
            @ConfigProperty(name = "quarkus.redis.master-name") Optional<String> masterName,
            @ConfigProperty(name = "quarkus.redis.role") Optional<String> role) {
        stopOn(RedisLogin.check(redis, hosts, clientType, masterName, role));
    }

    /** Logs in through {@code redis}; throws when Redis refuses the login of {@code hosts}. */
    public void check(Redis redis, String hosts) {
        stopOn(RedisLogin.check(redis, hosts));
    }

    private static void stopOn(Optional<String> problem) {
        problem.ifPresent(text -> {
            Log.error(text);
            throw new ConfigurationException(text);
        });
    }
}
