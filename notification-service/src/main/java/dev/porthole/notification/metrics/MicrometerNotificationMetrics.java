package dev.porthole.notification.metrics;

import dev.porthole.notification.provider.ProviderKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.IntSupplier;

/** Micrometer meters, exported by Prometheus as {@code porthole_notify_*}. */
@ApplicationScoped
public class MicrometerNotificationMetrics implements NotificationMetrics {

    private final MeterRegistry registry;

    public MicrometerNotificationMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void entryRead(String outcome) {
        Counter.builder("porthole.notify.entries")
                .description("Stream entries read, by what became of them")
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    @Override
    public void attempt(ProviderKind provider, String outcome) {
        Counter.builder("porthole.notify.deliveries")
                .description("Webhook attempts, by chat service and outcome")
                .tag("provider", provider.wireName())
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    @Override
    public void retryScheduled(ProviderKind provider) {
        Counter.builder("porthole.notify.retries")
                .description("Retries scheduled after a passing failure")
                .tag("provider", provider.wireName())
                .register(registry)
                .increment();
    }

    @Override
    public void deadLettered(String kind) {
        Counter.builder("porthole.notify.dead.letters")
                .description("Events written to the dead-letter stream")
                .tag("kind", kind)
                .register(registry)
                .increment();
    }

    @Override
    public void summaryDelivered(ProviderKind provider, int events) {
        Counter.builder("porthole.notify.summaries")
                .description("Summary messages delivered in place of held-back events")
                .tag("provider", provider.wireName())
                .register(registry)
                .increment();
        Counter.builder("porthole.notify.summarized.events")
                .description("Events merged into delivered summary messages")
                .tag("provider", provider.wireName())
                .register(registry)
                .increment(events);
    }

    @Override
    public void flappingSuppressed(int events) {
        Counter.builder("porthole.notify.flapping.suppressed")
                .description("Events merged into one flapping report")
                .register(registry)
                .increment(events);
    }

    @Override
    public void flappingUntracked() {
        Counter.builder("porthole.notify.flapping.untracked")
                .description("Events not watched for flapping because the table was full")
                .register(registry)
                .increment();
    }

    @Override
    public void watchInFlight(IntSupplier entries) {
        Gauge.builder("porthole.notify.in.flight", entries, IntSupplier::getAsInt)
                .description("Stream entries read and not yet acknowledged")
                .register(registry);
    }
}
