package dev.porthole.notification.health;

import dev.porthole.notification.stream.EventConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live while the thread that reads the events stream runs. Readiness comes from the Redis client's
 * own check (a PING), which fails while Redis is unreachable.
 */
@Liveness
@ApplicationScoped
public class ConsumerLiveness implements HealthCheck {

    private final EventConsumer consumer;

    public ConsumerLiveness(EventConsumer consumer) {
        this.consumer = consumer;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("events consumer")
                .status(consumer.alive())
                .withData("redis", consumer.connected() ? "reachable" : "unreachable")
                .withData("heartbeat", consumer.heartbeat().toString())
                .build();
    }
}
