package dev.porthole.gateway.metrics;

import dev.porthole.gateway.control.LocalSessions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** {@link GatewayMetrics} on Micrometer; exported for Prometheus on the management port. */
@ApplicationScoped
public class MicrometerGatewayMetrics implements GatewayMetrics {

    private final MeterRegistry registry;
    private final AtomicLong agents = new AtomicLong();
    private final AtomicLong httpTunnels = new AtomicLong();
    private final AtomicLong tcpTunnels = new AtomicLong();
    private final Counter bytesIn;
    private final Counter bytesOut;

    public MicrometerGatewayMetrics(MeterRegistry registry, LocalSessions sessions) {
        this.registry = registry;
        registry.gauge("porthole.gateway.streams", sessions, LocalSessions::openStreams);
        registry.gauge("porthole.gateway.agents", agents);
        registry.gauge("porthole.gateway.tunnels", java.util.List.of(io.micrometer.core.instrument.Tag.of("kind", "http")), httpTunnels);
        registry.gauge("porthole.gateway.tunnels", java.util.List.of(io.micrometer.core.instrument.Tag.of("kind", "tcp")), tcpTunnels);
        this.bytesIn = Counter.builder("porthole.gateway.bytes").tag("direction", "in").description("bytes from visitors to agents").register(registry);
        this.bytesOut = Counter.builder("porthole.gateway.bytes").tag("direction", "out").description("bytes from agents to visitors").register(registry);
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
        registry.counter("porthole.gateway.agents.rejected", "status", String.valueOf(status)).increment();
    }

    @Override
    public void tunnelOpened(String kind) {
        gauge(kind).incrementAndGet();
    }

    @Override
    public void tunnelClosed(String kind) {
        gauge(kind).decrementAndGet();
    }

    @Override
    public void httpRequest(int status, Duration duration) {
        Timer.builder("porthole.gateway.http.requests")
                .tag("status", (status / 100) + "xx")
                .publishPercentileHistogram()
                .register(registry)
                .record(duration);
    }

    @Override
    public void bytes(long fromVisitors, long toVisitors) {
        bytesIn.increment(fromVisitors);
        bytesOut.increment(toVisitors);
    }

    private AtomicLong gauge(String kind) {
        return kind.equals("tcp") ? tcpTunnels : httpTunnels;
    }

    @Override
    public void tcpConnection(String outcome) {
        registry.counter("porthole.gateway.tcp.connections", "outcome", outcome).increment();
    }

    @Override
    public void limitHit(String kind) {
        registry.counter("porthole.gateway.limit.hits", "kind", kind).increment();
    }
}
