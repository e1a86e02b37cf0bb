package dev.porthole.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard asks only for metrics the services register (no invented names). */
class DashboardMetricsTest {

    static final Path DASHBOARD = ServiceSettings.ROOT.resolve("deploy/grafana/porthole-dashboard.json");

    /** Meters of Quarkus's Redis binder (Prometheus names, without suffixes), in every service that turns it on. */
    static final Set<String> REDIS_BINDER_METERS = Set.of(
            "redis_commands_count", "redis_commands_success", "redis_commands_failure", "redis_commands_duration");

    /** The services whose Redis commands the dashboard watches. */
    static final List<String> REDIS_SERVICES = List.of("auth-service", "notification-service", "gateway-service");

    /** Metric names in the dashboard's queries: Prometheus names, without the label and range parts. */
    static Set<String> queriedMetrics(String dashboard) {
        Set<String> names = new TreeSet<>();
        Matcher expr = Pattern.compile("\"expr\": \"((?:[^\"\\\\]|\\\\.)*)\"").matcher(dashboard);
        while (expr.find()) {
            Matcher metric = Pattern.compile("\\b((?:porthole|jvm|process|system|http|redis)_[a-z_]+)\\b")
                    .matcher(expr.group(1));
            while (metric.find()) {
                names.add(metric.group(1));
            }
        }
        return names;
    }

    /** Prometheus names of the Micrometer meters the services register ({@code porthole.gateway.bytes} is {@code porthole_gateway_bytes}). */
    static Set<String> registeredPortholeMeters() {
        Set<String> names = new TreeSet<>();
        for (String module : ComposeSettingsTest.MODULES) {
            try (Stream<Path> files =
                    Files.walk(ServiceSettings.ROOT.resolve(module).resolve("src/main/java"))) {
                for (Path file :
                        files.filter(f -> f.toString().endsWith("Metrics.java")).toList()) {
                    Matcher meter = Pattern.compile("\"(porthole\\.[a-z.]+)\"").matcher(Files.readString(file));
                    while (meter.find()) {
                        names.add(meter.group(1).replace('.', '_'));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return names;
    }

    /** The meter behind a Prometheus series: counters end in _total, timers in _seconds_count/_bucket/_sum. */
    static String meter(String series) {
        return series.replaceFirst("(_seconds)?_(total|count|bucket|sum|max)$", "");
    }

    @Test
    void everyPortholeMetricInTheDashboardIsRegisteredByAService() throws IOException {
        Set<String> registered = registeredPortholeMeters();
        Set<String> queried = queriedMetrics(Files.readString(DASHBOARD));

        assertThat(registered)
                .contains(
                        "porthole_gateway_agents",
                        "porthole_gateway_streams",
                        "porthole_gateway_tunnel_bytes",
                        "porthole_gateway_client_requests",
                        "porthole_auth_failures",
                        "porthole_notify_deliveries");
        assertThat(queried)
                .filteredOn(n -> n.startsWith("porthole_"))
                .isNotEmpty()
                .allSatisfy(n -> assertThat(registered).as("meter of " + n).contains(meter(n)));
    }

    @Test
    void everyRedisMetricInTheDashboardComesFromTheRedisBinderThatEveryServiceTurnsOn() throws IOException {
        Set<String> queried = queriedMetrics(Files.readString(DASHBOARD));

        assertThat(queried)
                .filteredOn(n -> n.startsWith("redis_"))
                .isNotEmpty()
                .allSatisfy(n -> assertThat(REDIS_BINDER_METERS)
                        .as("Redis binder meter of " + n)
                        .contains(meter(n)));
        for (String module : REDIS_SERVICES) {
            assertThat(Files.readString(
                            ServiceSettings.ROOT.resolve(module).resolve("src/main/resources/application.properties")))
                    .as(module + " turns on the Redis binder")
                    .containsPattern("(?m)^quarkus\\.micrometer\\.binder\\.redis\\.enabled=true$");
        }
    }

    @Test
    void reportsAMetricNoServiceRegisters() {
        String invented = "{\"expr\": \"sum(rate(porthole_gateway_visitors_total[5m]))\"}";
        assertThat(queriedMetrics(invented)).containsExactly("porthole_gateway_visitors_total");
        assertThat(registeredPortholeMeters()).doesNotContain(meter("porthole_gateway_visitors_total"));
    }

    /** The JVM and process metrics the dashboard uses; ComposeEnvironmentIT finds them on live services. */
    static List<String> platformMetrics() {
        try {
            return queriedMetrics(Files.readString(DASHBOARD)).stream()
                    .filter(n -> !n.startsWith("porthole_") && !n.startsWith("redis_"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
