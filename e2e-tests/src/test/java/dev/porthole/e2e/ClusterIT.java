package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.e2e.support.GatewayLaunch.Gateway;
import dev.porthole.e2e.support.HaproxyConfig;
import dev.porthole.e2e.support.Http;
import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.testing.FreePorts;
import dev.porthole.testing.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three gateway processes sharing one Redis behind haproxy (TCP mode, round robin, on loopback):
 * a visitor reaches a tunnel whichever gateway its connection lands on, a name is unique across
 * them, and an agent whose gateway is killed comes back through the balancer on another.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final String TOKEN = "e2e-token-0123456789";
    private static final Pattern FORWARDS =
            Pattern.compile("(?m)^porthole_gateway_cluster_forwards_total\\{outcome=\"(\\w+)\"} ([0-9.eE+]+)$");

    private static PortholeSystem system;
    private static final List<Gateway> gateways = new ArrayList<>();
    private static int balancer;
    private static PortholeSystem.Agent agent;

    @BeforeAll
    static void start() throws IOException {
        system = new PortholeSystem("ClusterIT")
                .gatewaySetting("PORTHOLE_GATEWAY_AUTH_TOKENS", TOKEN)
                .gatewaySetting("PORTHOLE_GATEWAY_REGISTRY_TTL", "4s")
                .gatewaySetting("PORTHOLE_GATEWAY_REGISTRY_REFRESH_INTERVAL", "1s")
                .gatewaySetting("PORTHOLE_GATEWAY_HEARTBEAT_INTERVAL", "1s")
                .gatewaySetting("PORTHOLE_GATEWAY_HEARTBEAT_TIMEOUT", "3s");
        for (String id : List.of("gw-a", "gw-b", "gw-c")) {
            gateways.add(system.newGateway(id).inCluster(id).start());
        }
        system.startUpstream();
        balancer = FreePorts.loopback();
        system.startHaproxy(
                HaproxyConfig.roundRobin(balancer, gateways)
                        .defaults("retries 2", "option redispatch")
                        .serverOptions(gateway -> "check inter 500ms fall 2 rise 1")
                        .text(),
                balancer);
        agent = system.startAgent(
                "agent",
                balancer,
                List.of("-Xmx128m"),
                List.of("--token", TOKEN, "--subdomain", "shared", "--no-inspect"));
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    @Order(0)
    void aGatewayWithAnInternalAddressButNoInternalTokenRefusesToStart() {
        int port = FreePorts.loopback();
        ServiceProcess lone = ServiceProcess.start(
                "no-token",
                "gateway-service",
                List.of("-Xmx128m"),
                List.of(),
                Map.of(
                        "QUARKUS_REDIS_HOSTS", system.redis().url(),
                        "PORTHOLE_GATEWAY_HTTP_PORT", String.valueOf(port),
                        "QUARKUS_HTTP_PORT", String.valueOf(FreePorts.loopback()),
                        "PORTHOLE_GATEWAY_CLUSTER_INTERNAL_ADDRESS", "127.0.0.1:" + port),
                system.logDir());
        assertThat(lone.awaitExit(Duration.ofSeconds(60))).isNotZero();
        List<String> output = new ArrayList<>(lone.stdout());
        output.addAll(lone.stderr());
        assertThat(output)
                .anyMatch(
                        line -> line.contains("invalid configuration") && line.contains("set PORTHOLE_INTERNAL_TOKEN"));
    }

    @Test
    @Order(1)
    void visitorsReachTheTunnelWhicheverGatewayTheirConnectionLandsOn() {
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> response = visit("shared", "/hello");
            assertThat(response.statusCode())
                    .as("request %d: %s", i, response.body())
                    .isEqualTo(200);
            assertThat(response.body()).isEqualTo("hello\n");
        }
        Gateway holder = holder();
        for (Gateway gateway : gateways) {
            String metrics = Http.get(gateway.metricsUrl()).body();
            if (gateway == holder) {
                assertThat(forwards(metrics, "received"))
                        .as(gateway.id() + " serves what the others forward")
                        .isGreaterThan(0);
            } else {
                assertThat(forwards(metrics, "sent"))
                        .as(gateway.id() + " forwards to " + holder.id())
                        .isGreaterThan(0);
            }
        }
        // Forwarded or not, the upstream sees the visitor, not a gateway, and the host the visitor asked for.
        for (int i = 0; i < 3; i++) {
            assertThat(visit("shared", "/headers").body())
                    .contains("\"x-forwarded-for\":\"127.0.0.1\"")
                    .contains("\"x-forwarded-host\":\"shared." + PortholeSystem.DOMAIN + ":" + balancer + "\"")
                    .doesNotContain("x-porthole-gateway-token");
        }
    }

    @Test
    @Order(2)
    void twoAgentsRacingForOneNameThroughTheBalancerExactlyOneWins() {
        List<String> args = List.of("--token", TOKEN, "--subdomain", "contested", "--no-inspect");
        ServiceProcess first = system.launchHttpAgent("racer-1", balancer, args);
        ServiceProcess second = system.launchHttpAgent("racer-2", balancer, args);
        await().atMost(Duration.ofSeconds(60)).until(() -> !first.isAlive() || !second.isAlive());
        ServiceProcess loser = first.isAlive() ? second : first;
        ServiceProcess winner = loser == first ? second : first;
        assertThat(loser.awaitExit(Duration.ofSeconds(10))).isEqualTo(4);
        assertThat(loser.stderr())
                .anyMatch(line ->
                        line.contains("'contested' is held by another agent of yours") && line.contains("--subdomain"));
        assertThat(winner.awaitFirstLine(Duration.ofSeconds(30))).contains("contested");
        assertThat(visit("contested", "/hello").statusCode()).isEqualTo(200);
        winner.stop();
    }

    @Test
    @Order(3)
    void anAgentWhoseGatewayIsKilledComesBackThroughTheBalancer() {
        Gateway holder = holder();
        long killed = System.nanoTime();
        holder.process().kill();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> visit("shared", "/hello").statusCode() == 200);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        System.out.printf(
                "ClusterIT: %s killed with SIGKILL; first request served again through haproxy after %d ms%n",
                holder.id(), millis);

        Gateway now = holder();
        assertThat(now).isNotSameAs(holder);
        for (int i = 0; i < 12; i++) {
            assertThat(visit("shared", "/hello").statusCode())
                    .as("request %d after the kill", i)
                    .isEqualTo(200);
        }
        // The dead instance's address expires with the registry's ttl, so nothing is forwarded to it.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> system.redisGet("porthole:gateway:" + holder.id()).isEmpty());
        assertThat(system.redisGet("porthole:route:http:{shared}")).contains("\"gatewayId\":\"" + now.id() + "\"");
    }

    /** The live gateway the agent is connected to, from the gateways' own agents gauge. */
    private static Gateway holder() {
        return await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> gateways.stream()
                                .filter(g -> g.process().isAlive())
                                .filter(g -> agentsConnected(g) > 0)
                                .findFirst()
                                .orElse(null),
                        g -> g != null);
    }

    private static double agentsConnected(Gateway gateway) {
        Matcher gauge = Pattern.compile("(?m)^porthole_gateway_agents(\\{[^}]*})? ([0-9.eE+]+)$")
                .matcher(Http.get(gateway.metricsUrl()).body());
        return gauge.find() ? Double.parseDouble(gauge.group(2)) : 0;
    }

    /** The {@code porthole_gateway_cluster_forwards_total} series of one outcome in a gateway's metrics. */
    static double forwards(String metrics, String outcome) {
        Matcher series = FORWARDS.matcher(metrics);
        while (series.find()) {
            if (series.group(1).equals(outcome)) {
                return Double.parseDouble(series.group(2));
            }
        }
        return 0;
    }

    /** One request on a new connection, so that haproxy's round robin picks the next gateway. */
    private static HttpResponse<String> visit(String name, String path) {
        try (HttpClient fresh = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build()) {
            return fresh.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + balancer + path))
                            .header("Host", name + "." + PortholeSystem.DOMAIN + ":" + balancer)
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " on tunnel " + name + " through haproxy failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
