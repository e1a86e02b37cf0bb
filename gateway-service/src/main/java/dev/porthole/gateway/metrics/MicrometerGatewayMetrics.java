package dev.porthole.gateway.metrics;

import dev.porthole.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

/**
 * {@link GatewayMetrics} on Micrometer; exported for Prometheus on the management port. Series per
 * tunnel and per client are opt-in ({@code porthole.gateway.metrics.per-tunnel}) and bounded: at
 * most {@code max-tunnels} tunnel names and {@code max-clients} client ids have their own, the rest
 * count under {@code other}, and a closed tunnel's series are removed.
 */
@Startup
@Singleton
public class MicrometerGatewayMetrics implements GatewayMetrics {

    /** Buckets for the request latency histogram besides Micrometer's own: the answers people ask for. */
    private static final Duration[] LATENCY_OBJECTIVES = {
        Duration.ofMillis(10),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30)
    };

    private final MeterRegistry registry;
    private final AtomicLong agents = new AtomicLong();
    private final Map<String, AtomicLong> tunnels = new ConcurrentHashMap<>();
    private final AtomicReference<IntSupplier> streams = new AtomicReference<>(() -> 0);
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Map<String, Timer> requestTimers = new ConcurrentHashMap<>();
    /** Null unless per-tunnel series are switched on. */
    private final TrafficSeries perTunnel;

    private final TrafficSeries perClient;
    private final AtomicBoolean limitsShared = new AtomicBoolean(true);

    @Inject
    public MicrometerGatewayMetrics(MeterRegistry registry, GatewayConfig config) {
        this(
                registry,
                config.metrics().perTunnel(),
                config.metrics().maxTunnels(),
                config.metrics().maxClients());
    }

    MicrometerGatewayMetrics(MeterRegistry registry, boolean perTunnel, int maxTunnels, int maxClients) {
        this.registry = registry;
        Gauge.builder("porthole.gateway.agents", agents, AtomicLong::get)
                .description("agent sessions connected")
                .register(registry);
        for (String kind : new String[] {"http", "tcp", "private", "tls", "udp"}) {
            AtomicLong count = new AtomicLong();
            tunnels.put(kind, count);
            Gauge.builder("porthole.gateway.tunnels", count, AtomicLong::get)
                    .tags(Tags.of("kind", kind))
                    .description("tunnels served, by kind")
                    .register(registry);
        }
        Gauge.builder("porthole.gateway.streams", streams, s -> s.get().getAsInt())
                .description("streams open across all agent sessions (visitor requests, TCP connections, dials)")
                .register(registry);
        limitsState("shared", true, "1 while client limits are shared with the other gateways through Redis");
        limitsState("fallback", false, "1 while Redis is unreachable and each gateway enforces client limits alone");
        this.bytesIn = bytes("in", "bytes from visitors to agents");
        this.bytesOut = bytes("out", "bytes from agents to visitors");
        this.perTunnel = perTunnel
                ? new TrafficSeries(
                        registry,
                        "porthole.gateway.tunnel.bytes",
                        "porthole.gateway.tunnel.requests",
                        "tunnel",
                        maxTunnels)
                : null;
        this.perClient = perTunnel
                ? new TrafficSeries(
                        registry,
                        "porthole.gateway.client.bytes",
                        "porthole.gateway.client.requests",
                        "client",
                        maxClients)
                : null;
    }

    @Override
    public void agentConnected() {
        agents.incrementAndGet();
    }

    @Override
    public void agentDisconnected() {
        agents.decrementAndGet();
    }

    @Override
    public void agentRejected(int status) {
        count("porthole.gateway.agents.rejected", "status", String.valueOf(status));
    }

    @Override
    public void tunnelOpened(String kind, String tunnel, String clientId) {
        gauge(kind).incrementAndGet();
        if (perTunnel != null) {
            perTunnel.opened(tunnel);
            perClient.opened(clientId);
        }
    }

    @Override
    public void tunnelClosed(String kind, String tunnel, String clientId) {
        gauge(kind).decrementAndGet();
        if (perTunnel != null) {
            perTunnel.closed(tunnel);
            perClient.closed(clientId);
        }
    }

    @Override
    public void httpRequest(int status, Duration duration) {
        requestTimers
                .computeIfAbsent(
                        statusClass(status),
                        statusClass -> Timer.builder("porthole.gateway.http.requests")
                                .description(
                                        "visitor HTTP requests, by status class, from the head to the last byte of the response")
                                .tag("status", statusClass)
                                .publishPercentileHistogram()
                                .serviceLevelObjectives(LATENCY_OBJECTIVES)
                                .minimumExpectedValue(Duration.ofMillis(1))
                                .maximumExpectedValue(Duration.ofMinutes(5))
                                .register(registry))
                .record(duration);
    }

    @Override
    public void tunnelRequest(String tunnel, String clientId, int status, Duration duration) {
        httpRequest(status, duration);
        if (perTunnel != null) {
            perTunnel.request(tunnel, statusClass(status));
            perClient.request(clientId, statusClass(status));
        }
    }

    @Override
    public void bytes(String tunnel, String clientId, long fromVisitors, long toVisitors) {
        if (fromVisitors > 0) {
            bytesIn.increment(fromVisitors);
        }
        if (toVisitors > 0) {
            bytesOut.increment(toVisitors);
        }
        if (perTunnel != null) {
            perTunnel.bytes(tunnel, fromVisitors, toVisitors);
            perClient.bytes(clientId, fromVisitors, toVisitors);
        }
    }

    @Override
    public void connectRequest(String outcome) {
        count("porthole.gateway.connect.requests", "outcome", outcome);
    }

    @Override
    public void tcpConnection(String outcome) {
        count("porthole.gateway.tcp.connections", "outcome", outcome);
    }

    @Override
    public void udpDatagram(String direction) {
        count("porthole.gateway.udp.datagrams", "direction", direction);
    }

    @Override
    public void udpDropped(String reason) {
        count("porthole.gateway.udp.dropped", "reason", reason);
    }

    @Override
    public void watchStreams(IntSupplier openStreams) {
        streams.set(openStreams);
    }

    /** The gauge of limits state {@code state}: 1 while limits are shared ({@code whenShared} true) or not. */
    private void limitsState(String state, boolean whenShared, String description) {
        Gauge.builder("porthole.gateway.limits.shared", limitsShared, shared -> shared.get() == whenShared ? 1 : 0)
                .tags(Tags.of("state", state))
                .description(description)
                .register(registry);
    }

    private Counter bytes(String direction, String description) {
        return Counter.builder("porthole.gateway.bytes")
                .tag("direction", direction)
                .description(description)
                .register(registry);
    }

    private void count(String name, String tag, String value) {
        registry.counter(name, tag, value).increment();
    }

    private AtomicLong gauge(String kind) {
        AtomicLong count = tunnels.get(kind);
        if (count == null) {
            throw new IllegalArgumentException("unknown tunnel kind '" + kind + "'");
        }
        return count;
    }

    private static String statusClass(int status) {
        return (status / 100) + "xx";
    }

    @Override
    public void policyDecision(String rule, String outcome) {
        registry.counter("porthole.gateway.policy.decisions", "rule", rule, "outcome", outcome)
                .increment();
    }

    @Override
    public void limitHit(String kind) {
        count("porthole.gateway.limit.hits", "kind", kind);
    }

    @Override
    public void agentResponseRefused(String reason) {
        count("porthole.gateway.agent.responses.refused", "reason", reason);
    }

    @Override
    public void tlsPassthrough(String outcome) {
        count("porthole.gateway.tls.passthrough.connections", "outcome", outcome);
    }

    @Override
    public void clusterForward(String outcome) {
        count("porthole.gateway.cluster.forwards", "outcome", outcome);
    }

    @Override
    public void limitsShared(boolean shared) {
        limitsShared.set(shared);
    }
}
