package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.testing.FreePorts;
import dev.porthole.testing.RedisServerProcess;
import dev.porthole.testing.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway and auth-service refuse to start on a key that breaks its constraint and on keys that
 * do not fit together, and say which property and which environment variable, the same way
 * (notification-service: its own StartupConfigIT).
 */
class ConfigRefusalIT {

    private static final Path LOGS = Path.of("target", "e2e-logs", "ConfigRefusalIT");
    private static final Map<String, ServiceProcess> REFUSING = new HashMap<>();
    private static RedisServerProcess redis;

    /** All four at once: each start costs a JVM's start-up, and none waits for another. */
    @BeforeAll
    static void startAll() {
        redis = RedisServerProcess.startOnFreePort();
        launch("gateway-service", "gateway-bad-key", Map.of("PORTHOLE_GATEWAY_LIMITS_STREAMS_PER_TUNNEL", "-1"));
        launch(
                "gateway-service",
                "gateway-bad-pair",
                Map.of("PORTHOLE_GATEWAY_HEARTBEAT_INTERVAL", "10s", "PORTHOLE_GATEWAY_HEARTBEAT_TIMEOUT", "15s"));
        launch("auth-service", "auth-bad-key", Map.of("PORTHOLE_AUTH_BCRYPT_COST", "-1"));
        launch(
                "auth-service",
                "auth-bad-pair",
                Map.of("PORTHOLE_AUTH_DEFAULT_PAGE_SIZE", "50", "PORTHOLE_AUTH_MAX_PAGE_SIZE", "10"));
    }

    @AfterAll
    static void stopAll() {
        REFUSING.values().forEach(process -> process.awaitExit(Duration.ofSeconds(60)));
        redis.close();
    }

    @Test
    void theGatewayRefusesANegativeLimitNamingPropertyAndVariable() {
        assertThat(refusal("gateway-bad-key"))
                .contains("porthole.gateway.limits.streams-per-tunnel (PORTHOLE_GATEWAY_LIMITS_STREAMS_PER_TUNNEL)"
                        + " must be greater than 0");
    }

    @Test
    void theGatewayRefusesAHeartbeatTimeoutShorterThanTwoIntervals() {
        assertThat(refusal("gateway-bad-pair"))
                .contains("invalid configuration: porthole.gateway.heartbeat.timeout"
                        + " (PORTHOLE_GATEWAY_HEARTBEAT_TIMEOUT): must be at least twice heartbeat.interval");
    }

    @Test
    void authServiceRefusesANegativeBcryptCostNamingPropertyAndVariable() {
        assertThat(refusal("auth-bad-key"))
                .contains("porthole.auth.bcrypt-cost (PORTHOLE_AUTH_BCRYPT_COST) must be between 4 and 31");
    }

    @Test
    void authServiceRefusesADefaultPageLargerThanTheLargestPage() {
        assertThat(refusal("auth-bad-pair"))
                .contains("invalid configuration: porthole.auth.default-page-size (PORTHOLE_AUTH_DEFAULT_PAGE_SIZE):"
                        + " must be at most porthole.auth.max-page-size");
    }

    private static void launch(String module, String name, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(Map.of(
                "QUARKUS_REDIS_HOSTS", redis.url(),
                "QUARKUS_HTTP_HOST", "127.0.0.1",
                "QUARKUS_HTTP_PORT", String.valueOf(FreePorts.loopback()),
                "QUARKUS_MANAGEMENT_PORT", String.valueOf(FreePorts.loopback()),
                "PORTHOLE_GATEWAY_HTTP_HOST", "127.0.0.1",
                "PORTHOLE_GATEWAY_HTTP_PORT", String.valueOf(FreePorts.loopback())));
        env.putAll(settings);
        REFUSING.put(name, ServiceProcess.start(name, module, List.of("-Xmx128m"), List.of(), env, LOGS));
    }

    /** Waits for the process {@code name} to exit, expects a non-zero code, answers its output. */
    private static String refusal(String name) {
        ServiceProcess process = REFUSING.get(name);
        assertThat(process.awaitExit(Duration.ofSeconds(60)))
                .as(name + " exit code")
                .isNotZero();
        return process.output();
    }
}
