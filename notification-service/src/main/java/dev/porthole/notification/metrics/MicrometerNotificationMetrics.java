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
        count("porthole.notify.entries", "Stream entries read, by what became of them", 1, "outcome", outcome);
    }

    @Override
    public void attempt(ProviderKind provider, String outcome) {
        count(
                "porthole.notify.deliveries",
                "Webhook attempts, by chat service and outcome",
                1,
                "provider",
                provider.wireName(),
                "outcome",
                outcome);
    }

    @Override
    public void retryScheduled(ProviderKind provider) {
        count(
                "porthole.notify.retries",
                "Retries scheduled after a passing failure",
                1,
                "provider",
                provider.wireName());
    }

    @Override
    public void deadLettered(String kind) {
        count("porthole.notify.dead.letters", "Events written to the dead-letter stream", 1, "kind", kind);
    }

    @Override
    public void summaryDelivered(ProviderKind provider, int events) {
        count(
                "porthole.notify.summaries",
                "Summary messages delivered in place of held-back events",
                1,
                "provider",
                provider.wireName());
        count(
                "porthole.notify.summarized.events",
                "Events merged into delivered summary messages",
                events,
                "provider",
                provider.wireName());
    }

    @Override
    public void flappingSuppressed(int events) {
        count("porthole.notify.flapping.suppressed", "Events merged into one flapping report", events);
    }

    @Override
    public void flappingUntracked() {
        count("porthole.notify.flapping.untracked", "Events not watched for flapping because the table was full", 1);
    }

    @Override
    public void watchInFlight(IntSupplier entries) {
        Gauge.builder("porthole.notify.in.flight", entries, IntSupplier::getAsInt)
                .description("Stream entries read and not yet acknowledged")
                .register(registry);
    }

    /** Adds {@code amount} to the counter {@code name} with these tags (key, value, ...), registering it on first use. */
    private void count(String name, String description, double amount, String... tags) {
        Counter.builder(name)
                .description(description)
                .tags(tags)
                .register(registry)
                .increment(amount);
    }
}
