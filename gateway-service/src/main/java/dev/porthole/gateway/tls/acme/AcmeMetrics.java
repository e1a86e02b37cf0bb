package dev.porthole.gateway.tls.acme;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * The ACME meters: {@code porthole_gateway_acme_orders_total{outcome}} and the seconds until the
 * soonest ACME certificate this gateway serves expires (one gauge, not one per name: tunnel names are
 * unbounded).
 */
final class AcmeMetrics {

    /** What became of a handshake's or a renewal's wish for a certificate. */
    enum Outcome {
        ISSUED("issued"),
        FAILED("failed"),
        NOT_CLAIMED("not-claimed"),
        RATE_LIMITED("rate-limited");

        final String tag;

        Outcome(String tag) {
            this.tag = tag;
        }
    }

    private static final String EXPIRY = "porthole.gateway.acme.certificate.expiry.seconds";

    private final MeterRegistry registry;
    private final Map<Outcome, Counter> orders = new ConcurrentHashMap<>();

    AcmeMetrics(MeterRegistry registry, DoubleSupplier secondsToSoonestExpiry) {
        this.registry = registry;
        // A gauge of an earlier instance (a dev-mode or test restart in the same JVM) would keep reading the old
        // certificates.
        Gauge stale = registry.find(EXPIRY).gauge();
        if (stale != null) {
            registry.remove(stale);
        }
        Gauge.builder(EXPIRY, secondsToSoonestExpiry, DoubleSupplier::getAsDouble)
                .strongReference(true)
                .description(
                        "Seconds until the soonest-expiring ACME certificate this gateway serves expires (NaN with none)")
                .register(registry);
    }

    void order(Outcome outcome) {
        orders.computeIfAbsent(
                        outcome,
                        o -> Counter.builder("porthole.gateway.acme.orders")
                                .tag("outcome", o.tag)
                                .description(
                                        "Certificate orders by outcome; not-claimed and rate-limited ones never reached the CA")
                                .register(registry))
                .increment();
    }
}
