package dev.porthole.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** {@code porthole_gateway_limits_shared} shows which state the client limits are in: shared through Redis, or fallback. */
class LimitsSharedGaugeTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MicrometerGatewayMetrics metrics = new MicrometerGatewayMetrics(registry, false, 1, 1);

    private double state(String state) {
        return registry.get("porthole.gateway.limits.shared")
                .tag("state", state)
                .gauge()
                .value();
    }

    @Test
    void followsTheSwitchesBetweenSharedAndFallback() {
        assertThat(state("shared")).as("shared until Redis fails a lease").isEqualTo(1.0);
        assertThat(state("fallback")).isEqualTo(0.0);

        metrics.limitsShared(false);
        assertThat(state("shared")).isEqualTo(0.0);
        assertThat(state("fallback")).isEqualTo(1.0);

        metrics.limitsShared(true);
        assertThat(state("shared")).isEqualTo(1.0);
        assertThat(state("fallback")).isEqualTo(0.0);
    }
}
