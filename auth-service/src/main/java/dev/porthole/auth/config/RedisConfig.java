package dev.porthole.auth.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The Redis key prefix that every Porthole service shares ({@code PORTHOLE_REDIS_PREFIX}); the Redis
 * address itself is Quarkus's {@code QUARKUS_REDIS_HOSTS}.
 */
@ConfigMapping(prefix = "porthole.redis")
public interface RedisConfig {

    /** Prefix of every key and channel, for example {@code porthole:}. */
    @WithDefault("porthole:")
    String prefix();
}
