package dev.porthole.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Per-tunnel and per-client series stay bounded, fall back to "other", and go away with their tunnels. */
class PerTunnelSeriesTest {

    private static final int LIMIT = 100;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MicrometerGatewayMetrics metrics = new MicrometerGatewayMetrics(registry, true, LIMIT, LIMIT);

    @Test
    void fiveHundredTunnelsMakeAtMostLimitPlusOneSeriesValues() {
        for (int i = 0; i < 500; i++) {
            metrics.tunnelOpened("http", "t" + i, "c" + i);
            metrics.bytes("t" + i, "c" + i, 10, 20);
            metrics.tunnelRequest("t" + i, "c" + i, 200, Duration.ofMillis(5));
        }

        assertThat(tagValues("porthole.gateway.tunnel.bytes", "tunnel"))
                .hasSize(LIMIT + 1)
                .contains("t0", "t99", "other")
                .doesNotContain("t100");
        assertThat(tagValues("porthole.gateway.tunnel.requests", "tunnel")).hasSize(LIMIT + 1);
        assertThat(tagValues("porthole.gateway.client.bytes", "client"))
                .hasSize(LIMIT + 1)
                .contains("c0", "other");
        assertThat(registry.get("porthole.gateway.tunnel.bytes")
                        .tag("tunnel", "other")
                        .tag("direction", "out")
                        .counter()
                        .count())
                .as("400 tunnels without a place of their own, 20 bytes each")
                .isEqualTo(400 * 20.0);
        assertThat(registry.get("porthole.gateway.bytes")
                        .tag("direction", "in")
                        .counter()
                        .count())
                .isEqualTo(500 * 10.0);
    }

    @Test
    void removesTheSeriesOfClosedTunnelsAndGivesTheirPlaceToNewOnes() {
        for (int i = 0; i < LIMIT; i++) {
            metrics.tunnelOpened("http", "t" + i, "client");
            metrics.bytes("t" + i, "client", 1, 1);
            metrics.tunnelRequest("t" + i, "client", 404, Duration.ZERO);
        }
        metrics.tunnelOpened("tcp", "late", "client");
        metrics.bytes("late", "client", 1, 1);
        assertThat(tagValues("porthole.gateway.tunnel.bytes", "tunnel"))
                .contains("other")
                .doesNotContain("late");

        for (int i = 0; i < LIMIT; i++) {
            metrics.tunnelClosed("http", "t" + i, "client");
        }
        metrics.tunnelClosed("tcp", "late", "client");
        assertThat(tagValues("porthole.gateway.tunnel.bytes", "tunnel")).containsExactly("other");
        assertThat(tagValues("porthole.gateway.tunnel.requests", "tunnel")).isEmpty();
        assertThat(tagValues("porthole.gateway.client.bytes", "client"))
                .as("the client's last tunnel closed")
                .containsExactly("other");

        metrics.tunnelOpened("http", "next", "client");
        metrics.bytes("next", "client", 5, 0);
        assertThat(tagValues("porthole.gateway.tunnel.bytes", "tunnel")).containsExactlyInAnyOrder("next", "other");
        assertThat(registry.get("porthole.gateway.tunnel.bytes")
                        .tag("tunnel", "next")
                        .tag("direction", "in")
                        .counter()
                        .count())
                .isEqualTo(5.0);
    }

    @Test
    void keepsATunnelsSeriesWhileANewerSessionStillServesIt() {
        metrics.tunnelOpened("http", "api", "c");
        metrics.tunnelOpened("http", "api", "c");
        metrics.tunnelClosed("http", "api", "c");
        metrics.tunnelRequest("api", "c", 503, Duration.ofMillis(1));

        assertThat(registry.get("porthole.gateway.tunnel.requests")
                        .tag("tunnel", "api")
                        .tag("status", "5xx")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(registry.get("porthole.gateway.tunnels")
                        .tag("kind", "http")
                        .gauge()
                        .value())
                .isEqualTo(1.0);
    }

    @Test
    void registersNoPerTunnelSeriesUnlessSwitchedOn() {
        SimpleMeterRegistry plain = new SimpleMeterRegistry();
        MicrometerGatewayMetrics off = new MicrometerGatewayMetrics(plain, false, LIMIT, LIMIT);
        off.tunnelOpened("private", "db", "c");
        off.bytes("db", "c", 3, 4);
        off.tunnelRequest("db", "c", 200, Duration.ofMillis(2));

        assertThat(plain.find("porthole.gateway.tunnel.bytes").meters()).isEmpty();
        assertThat(plain.find("porthole.gateway.client.requests").meters()).isEmpty();
        assertThat(plain.get("porthole.gateway.bytes")
                        .tag("direction", "out")
                        .counter()
                        .count())
                .isEqualTo(4.0);
        assertThat(plain.get("porthole.gateway.tunnels")
                        .tag("kind", "private")
                        .gauge()
                        .value())
                .isEqualTo(1.0);
    }

    @Test
    void publishesALatencyHistogramWithTheServiceLevelBuckets() {
        metrics.httpRequest(200, Duration.ofMillis(30));
        var histogram = registry.get("porthole.gateway.http.requests")
                .tag("status", "2xx")
                .timer()
                .takeSnapshot()
                .histogramCounts();
        assertThat(histogram)
                .extracting(bucket -> bucket.bucket(java.util.concurrent.TimeUnit.MILLISECONDS))
                .contains(10.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0, 5000.0);
    }

    private Set<String> tagValues(String name, String tag) {
        Set<String> values = new TreeSet<>();
        for (Meter meter : registry.find(name).meters()) {
            values.add(meter.getId().getTag(tag));
        }
        return values;
    }
}
