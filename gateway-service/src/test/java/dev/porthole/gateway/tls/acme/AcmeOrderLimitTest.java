package dev.porthole.gateway.tls.acme;

import static dev.porthole.gateway.tls.acme.AcmeGatewayState.orders;
import static dev.porthole.gateway.tls.acme.AcmeGatewayState.reserve;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.PebbleResource;
import dev.porthole.testing.RedisTestResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code tls.acme.max-orders-per-hour} bounds the orders even for names that may have a certificate. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
@WithTestResource(value = PebbleResource.class, initArgs = @ResourceArg(name = "max-orders-per-hour", value = "1"))
class AcmeOrderLimitTest {

    @Inject
    RedisAPI redis;

    @Inject
    MeterRegistry registry;

    @Test
    void ordersNoMoreThanTheHourlyLimit() {
        reserve(redis, "one");
        reserve(redis, "two");
        Path root = PebbleResource.pebble().issuingRoot();
        await().atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(() -> PebbleResource.handshake("one.porthole.test", root) != null);

        await().atMost(Duration.ofSeconds(20)).until(() -> {
            try {
                PebbleResource.handshake("two.porthole.test", root);
            } catch (IOException expected) {
                // no certificate for it: the one order of the hour went to "one"
            }
            return orders(registry, "rate-limited") >= 1;
        });
        assertThat(orders(registry, "issued")).isEqualTo(1);
        assertThat(redis.get("porthole:acme:cert:two.porthole.test")
                        .toCompletionStage()
                        .toCompletableFuture()
                        .join())
                .isNull();
    }
}
