package dev.porthole.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Gives a {@code @QuarkusTest} Redis behind Sentinel of its own ({@link RedisSentinelProcesses}):
 * the service's Redis client is a Sentinel client for the master set
 * {@value RedisSentinelProcesses#MASTER_NAME}; the test may kill the primary.
 */
public final class RedisSentinelTestResource implements QuarkusTestResourceLifecycleManager {

    private static volatile RedisSentinelProcesses redis;

    /** The processes the current test class runs against. */
    public static RedisSentinelProcesses processes() {
        return redis;
    }

    @Override
    public Map<String, String> start() {
        redis = RedisSentinelProcesses.start();
        return Map.of(
                "quarkus.redis.hosts",
                redis.hosts(),
                "quarkus.redis.client-type",
                "sentinel",
                "quarkus.redis.master-name",
                RedisSentinelProcesses.MASTER_NAME,
                "quarkus.redis.devservices.enabled",
                "false");
    }

    @Override
    public void stop() {
        if (redis != null) {
            redis.close();
        }
    }
}
