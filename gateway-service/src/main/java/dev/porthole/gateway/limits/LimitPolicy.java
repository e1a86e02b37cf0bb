package dev.porthole.gateway.limits;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.GatewayInstance;
import dev.porthole.gateway.events.EventPublisher;
import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.protocol.auth.Grants;
import dev.porthole.protocol.event.PortholeEvent;
import io.github.bucket4j.TimeMeter;
import io.quarkus.logging.Log;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tunnel limits in force and the token buckets that enforce them: one per direction for the
 * whole gateway, one per direction per client, one request-rate bucket per tunnel. A client's
 * buckets and its tunnels' request rates are shared with the other gateways through Redis
 * ({@link SharedBuckets}), so that a client on several gateways still gets its grant once.
 * {@link #apply(LimitSettings)} changes them at runtime, live tunnels included.
 */
@ApplicationScoped
public class LimitPolicy {

    /** Bytes a bucket may let through at once after a quiet spell, as time at its rate. */
    static final Duration BYTE_BURST = Duration.ofMillis(100);
    /** Requests a tunnel may take at once, as time at its rate. */
    static final Duration REQUEST_BURST = Duration.ofSeconds(1);
    /** At most one {@code limit.hit} event per tunnel and kind in this time. */
    static final Duration REPORT_INTERVAL = Duration.ofMinutes(1);

    private final TimeMeter time;
    private final Wakeups wakeups;
    private final LimitReporter reporter;
    private final Rate upload;
    private final Rate download;
    private final Optional<SharedBuckets> shared;
    private final Map<String, ClientBandwidth> clients = new HashMap<>();
    private volatile LimitSettings current;

    @Inject
    public LimitPolicy(
            GatewayConfig config,
            Vertx vertx,
            GatewayMetrics metrics,
            EventPublisher events,
            GatewayInstance instance,
            SharedBuckets shared) {
        this(
                LimitSettings.from(config.limits()),
                Optional.of(shared),
                TimeMeter.SYSTEM_NANOTIME,
                (nanos, task) -> vertx.setTimer(Math.max(1, (nanos + 999_999) / 1_000_000), id -> task.run()),
                (clientId, tunnel, kind, detail, publish) -> {
                    metrics.limitHit(kind.label());
                    if (publish) {
                        Log.infof(
                                "tunnel '%s' (client %s) reached its %s limit: %s",
                                tunnel, clientId, kind.label(), detail);
                        events.publish(
                                new PortholeEvent.LimitHit(instance.id(), clientId, tunnel, kind.label(), detail));
                    }
                });
    }

    /** Limits of this gateway alone when {@code shared} is empty. */
    LimitPolicy(
            LimitSettings settings,
            Optional<SharedBuckets> shared,
            TimeMeter time,
            Wakeups wakeups,
            LimitReporter reporter) {
        this.current = settings;
        this.shared = shared;
        this.time = time;
        this.wakeups = wakeups;
        this.reporter = reporter;
        this.upload = new Rate(settings.uploadBytesPerSecond(), BYTE_BURST, time);
        this.download = new Rate(settings.downloadBytesPerSecond(), BYTE_BURST, time);
    }

    /** The limits in force now. */
    public LimitSettings current() {
        return current;
    }

    /**
     * Puts new limits in force, for new and live tunnels alike; a client's own grants still win over
     * the defaults. Live tunnels pick up a new request rate at their next request.
     */
    public synchronized void apply(LimitSettings next) {
        current = next;
        upload.set(next.uploadBytesPerSecond());
        download.set(next.downloadBytesPerSecond());
        clients.values().forEach(client -> client.apply(next));
    }

    /** The limits of a new agent session of a client, whose grants now set its rates; close them when the session ends. */
    public synchronized SessionLimits openSession(String clientId, Grants grants) {
        ClientBandwidth client = clients.get(clientId);
        if (client == null) {
            client = new ClientBandwidth(
                    grants.uploadBytesPerSecond(),
                    grants.downloadBytesPerSecond(),
                    current,
                    rate -> bucket(clientId, "up", rate, BYTE_BURST),
                    rate -> bucket(clientId, "down", rate, BYTE_BURST));
            clients.put(clientId, client);
        } else {
            client.regrant(grants.uploadBytesPerSecond(), grants.downloadBytesPerSecond(), current);
        }
        client.sessions++;
        return new SessionLimits(this, clientId, client);
    }

    /** Clients with live sessions on this gateway, each with its own buckets. */
    public synchronized int clients() {
        return clients.size();
    }

    synchronized void release(String clientId, ClientBandwidth client) {
        if (--client.sessions == 0) {
            clients.remove(clientId, client);
        }
    }

    TunnelLimits newTunnel(String clientId, String name, ClientBandwidth client) {
        return new TunnelLimits(
                clientId,
                name,
                this,
                bucket(clientId, "requests:" + name, current.requestsPerSecondPerTunnel(), REQUEST_BURST),
                new Throttle(List.of(upload, client.upload)),
                new Throttle(List.of(download, client.download)));
    }

    /** A client's bucket: shared through Redis when this gateway has it, otherwise its own. */
    private TokenBucket bucket(String clientId, String name, long rate, Duration burst) {
        Rate local = new Rate(rate, burst, time);
        return shared.<TokenBucket>map(
                        buckets -> new SharedRate(buckets, buckets.key(clientId, name), local, burst, time))
                .orElse(local);
    }

    Wakeups wakeups() {
        return wakeups;
    }

    long nanoTime() {
        return time.currentTimeNanos();
    }

    void report(String clientId, String tunnel, LimitKind kind, String detail, boolean publish) {
        reporter.hit(clientId, tunnel, kind, detail, publish);
    }
}
