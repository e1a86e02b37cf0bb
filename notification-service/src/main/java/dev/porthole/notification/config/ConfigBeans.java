package dev.porthole.notification.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Produces the small values that several packages need from the configuration. */
@ApplicationScoped
public class ConfigBeans {

    @Produces
    @Singleton
    RedisKeys redisKeys(NotificationConfig config) {
        return new RedisKeys(config.redis().prefix());
    }

    /** Wall clock for timestamps, signatures and Retry-After dates; a bean so tests can reason about it. */
    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
