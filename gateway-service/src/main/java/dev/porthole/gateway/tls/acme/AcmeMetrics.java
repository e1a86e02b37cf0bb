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
        ISSUED("issued"), FAILED("failed"), NOT_CLAIMED("not-claimed"), RATE_LIMITED("rate-limited");

        final String tag;

        Outcome(String tag) {
            this.tag = tag;
        }
    }

    private final MeterRegistry registry;
    private final Map<Outcome, Counter> orders = new ConcurrentHashMap<>();

    AcmeMetrics(MeterRegistry registry, DoubleSupplier secondsToSoonestExpiry) {
        this.registry = registry;
        Gauge.builder("porthole.gateway.acme.certificate.expiry.seconds", secondsToSoonestExpiry, DoubleSupplier::getAsDouble).strongReference(true)
                .description("Seconds until the soonest-expiring ACME certificate this gateway serves expires (NaN with none)")
                .register(registry);
    }

    void order(Outcome outcome) {
        orders.computeIfAbsent(outcome, o -> Counter.builder("porthole.gateway.acme.orders").tag("outcome", o.tag)
                .description("Certificate orders by outcome; not-claimed and rate-limited ones never reached the CA").register(registry))
                .increment();
    }
}
