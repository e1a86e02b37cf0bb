package dev.porthole.protocol.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What every service checks before start-up when its Redis client is pointed at Sentinels
 * ({@code quarkus.redis.client-type=sentinel}): the master set is named (the client would otherwise
 * ask for Vert.x's default {@code mymaster} without saying so) and connections go to the primary,
 * since every service writes. One sentence per mistake, naming the environment variable.
 */
public final class RedisSentinelSettings {

    private RedisSentinelSettings() {}

    /**
     * The mistakes in a Sentinel configuration; empty when there is none or the client is not a
     * Sentinel client.
     *
     * @param clientType {@code quarkus.redis.client-type} ({@code standalone}, {@code sentinel}, ...)
     * @param masterName {@code quarkus.redis.master-name}
     * @param role {@code quarkus.redis.role}
     */
    public static List<String> problems(String clientType, Optional<String> masterName, Optional<String> role) {
        if (clientType == null || !clientType.trim().toLowerCase(Locale.ROOT).equals("sentinel")) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        if (masterName.map(String::isBlank).orElse(true)) {
            problems.add(
                    "QUARKUS_REDIS_CLIENT_TYPE is sentinel but QUARKUS_REDIS_MASTER_NAME is not set: set it to the name the Sentinels"
                            + " monitor (the <name> of their 'sentinel monitor <name> <host> <port> <quorum>' line)");
        }
        role.map(String::trim)
                .filter(r -> !r.equalsIgnoreCase("master"))
                .ifPresent(r -> problems.add("QUARKUS_REDIS_ROLE is '" + r
                        + "', but Porthole writes to Redis: leave QUARKUS_REDIS_ROLE unset or set it to master"));
        return problems;
    }
}
