package dev.porthole.gateway.tls;

import dev.porthole.gateway.events.EventPublisher;
import dev.porthole.protocol.event.PortholeEvent;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Function;

/**
 * Looks at a {@link CertificateSource} every check interval and, once a change reads the same twice
 * in a row (a certificate and its key are rarely replaced in one step), loads it and hands it to the
 * listener. Certificates that cannot be served are refused with one log line per problem and a
 * {@code tls.certificate-rejected} event; the listener keeps serving what it has.
 */
public final class CertificateReload {

    private final Vertx vertx;
    private final CertificateSource source;
    private final EventPublisher events;
    private final String gatewayId;
    private final Duration interval;
    private final Function<ServedCertificates, Future<?>> apply;
    private volatile String seen;
    private String pending;
    private long timer = -1;

    /**
     * @param seen the source's {@link CertificateSource#version()} of the certificates served now
     * @param apply puts certificates in force on the listener; its future fails when the listener refused them
     */
    public CertificateReload(
            Vertx vertx,
            CertificateSource source,
            String seen,
            EventPublisher events,
            String gatewayId,
            Duration interval,
            Function<ServedCertificates, Future<?>> apply) {
        this.vertx = vertx;
        this.source = source;
        this.seen = seen;
        this.events = events;
        this.gatewayId = gatewayId;
        this.interval = interval;
        this.apply = apply;
    }

    public void start() {
        timer = vertx.setPeriodic(interval.toMillis(), id -> check());
    }

    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** One look at the source: reads on a worker thread, never on the event loop. */
    void check() {
        vertx.<Change>executeBlocking(this::look, false)
                .onSuccess(change -> {
                    if (change == null) {
                        return;
                    }
                    if (change.problems() != null) {
                        refused(String.join("; ", change.problems().problems()), change.problems());
                        return;
                    }
                    apply.apply(change.served()).onComplete(done -> {
                        if (done.succeeded()) {
                            Log.infof(
                                    "TLS certificates reloaded from %s; served from the next handshake on: %s",
                                    source.describe(), change.served().summary());
                            events.publish(new PortholeEvent.CertificateReloaded(
                                    gatewayId,
                                    source.describe(),
                                    change.served().summary()));
                        } else {
                            refused(
                                    "the TLS listener refused them: "
                                            + done.cause().getMessage(),
                                    null);
                        }
                    });
                })
                .onFailure(failure ->
                        Log.warnf("TLS certificate check of %s failed: %s", source.describe(), failure.toString()));
    }

    private Change look() {
        String version = source.version();
        if (version.equals(seen)) {
            pending = null;
            return null;
        }
        if (!version.equals(pending)) {
            pending = version;
            return null;
        }
        pending = null;
        seen = version;
        try {
            return new Change(source.load(), null);
        } catch (CertificateProblems problems) {
            return new Change(null, problems);
        }
    }

    private void refused(String detail, CertificateProblems problems) {
        if (problems != null) {
            problems.problems()
                    .forEach(problem -> Log.errorf(
                            "TLS certificates not reloaded, the previous ones are still served: %s", problem));
        } else {
            Log.errorf("TLS certificates not reloaded, the previous ones are still served: %s", detail);
        }
        events.publish(new PortholeEvent.CertificateRejected(gatewayId, source.describe(), detail));
    }

    private record Change(ServedCertificates served, CertificateProblems problems) {}
}
