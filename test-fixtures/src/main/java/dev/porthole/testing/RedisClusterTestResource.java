package dev.porthole.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Gives a {@code @QuarkusTest} a real three-primary Redis Cluster ({@link RedisClusterProcesses}),
 * with the service's Redis client in cluster mode: one cluster shared by every test class in the JVM
 * (started on first use, stopped when the JVM exits), flushed before each class.
 */
public final class RedisClusterTestResource implements QuarkusTestResourceLifecycleManager {

    private static RedisClusterProcesses shared;

    /** The shared cluster, started on first call. */
    public static synchronized RedisClusterProcesses cluster() {
        if (shared == null) {
            RedisClusterProcesses started = RedisClusterProcesses.start();
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "redis-cluster-stop"));
            shared = started;
        }
        return shared;
    }

    @Override
    public Map<String, String> start() {
        RedisClusterProcesses cluster = cluster();
        cluster.flushAll();
        return Map.of(
                "quarkus.redis.hosts",
                cluster.hosts(),
                "quarkus.redis.client-type",
                "cluster",
                "quarkus.redis.devservices.enabled",
                "false");
    }

    /** After a module's global {@link RedisTestResource}, so that the cluster's settings win for the class that asks for them. */
    @Override
    public int order() {
        return 1;
    }

    @Override
    public void stop() {
        // The cluster outlives the test class: the next class reuses it.
    }
}
