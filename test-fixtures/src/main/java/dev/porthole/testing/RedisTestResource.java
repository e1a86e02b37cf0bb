package dev.porthole.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Gives a {@code @QuarkusTest} a real Redis: {@code $REDIS_URL} if set, else one redis-server
 * process shared by every test class in the JVM (started on first use, stopped when the JVM
 * exits). Each test class starts with an empty database.
 */
public final class RedisTestResource implements QuarkusTestResourceLifecycleManager {

    private static RedisServerProcess shared;

    /** The shared server, started on first call. */
    public static synchronized RedisServerProcess server() {
        if (shared == null) {
            RedisServerProcess started = RedisServerProcess.startOnFreePort();
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "redis-server-stop"));
            shared = started;
        }
        return shared;
    }

    /** The Redis URL tests should use. */
    public static String url() {
        String external = System.getenv("REDIS_URL");
        return external != null && !external.isBlank() ? external : server().url();
    }

    @Override
    public Map<String, String> start() {
        String url = url();
        if (System.getenv("REDIS_URL") == null) {
            server().flushAll();
        }
        return Map.of("quarkus.redis.hosts", url, "quarkus.redis.devservices.enabled", "false");
    }

    @Override
    public void stop() {
        // The server outlives the test class: the next class reuses it.
    }
}
