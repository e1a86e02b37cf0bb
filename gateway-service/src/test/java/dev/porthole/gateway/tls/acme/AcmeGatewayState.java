package dev.porthole.gateway.tls.acme;

import dev.porthole.gateway.support.Counters;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.util.List;

/** What the ACME tests set and read around the gateway under test: name reservations and stored values in Redis, the order counter. */
final class AcmeGatewayState {

    private AcmeGatewayState() {}

    /** Reserves {@code name} for the client {@code client-acme}, so that on-demand issuance may order it. */
    static void reserve(RedisAPI redis, String name) {
        redis.set(List.of("porthole:reservation:{" + name + "}", "client-acme"))
                .toCompletionStage()
                .toCompletableFuture()
                .join();
    }

    /** The value at {@code key}, or null when there is none. */
    static String stored(RedisAPI redis, String key) {
        Response value =
                redis.get(key).toCompletionStage().toCompletableFuture().join();
        return value == null ? null : value.toString();
    }

    /** How many ACME orders ended in {@code outcome} so far. */
    static double orders(MeterRegistry registry, String outcome) {
        return Counters.count(registry, "porthole.gateway.acme.orders", "outcome", outcome);
    }
}
