package dev.porthole.auth.metrics;

import dev.porthole.protocol.auth.AuthMethod;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;

/**
 * Micrometer counters, scraped at {@code /q/metrics} on the management port:
 * {@code porthole_auth_success_total{method}} and {@code porthole_auth_failures_total{reason}}.
 */
@ApplicationScoped
public class MicrometerAuthMetrics implements AuthMetrics {

    private final MeterRegistry registry;

    public MicrometerAuthMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void authenticated(AuthMethod method) {
        Counter.builder("porthole.auth.success")
                .description("Agents authenticated, by method")
                .tag("method", method.name().toLowerCase(Locale.ROOT))
                .register(registry)
                .increment();
    }

    @Override
    public void refused(String reason) {
        Counter.builder("porthole.auth.failures")
                .description("Authentication refusals, by reason")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }
}
