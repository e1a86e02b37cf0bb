package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.e2e.support.GatewayLaunch.Gateway;
import dev.porthole.e2e.support.HaproxyConfig;
import dev.porthole.e2e.support.Http;
import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Three gateways behind haproxy (TCP mode, round robin, health checks on readiness), one agent
 * with an HTTP tunnel, and visitors sending requests on kept-alive connections without pause while
 * each gateway in turn gets SIGTERM, exits and starts again: not one request fails.
 */
class RollingRestartIT {

    private static final String TOKEN = "e2e-token-0123456789";
    private static final int VISITORS = 12;
    private static final Duration PRE_DRAIN_DELAY = Duration.ofSeconds(1);
    /** Requests served after a gateway is back and before the next one stops: the load really runs across each restart. */
    private static final long REQUESTS_BETWEEN_RESTARTS = 300;

    @Test
    void restartsEveryGatewayOneByOneUnderLoadWithoutAFailedRequest() throws Exception {
        try (PortholeSystem system = new PortholeSystem("RollingRestartIT")) {
            system.gatewaySetting("PORTHOLE_GATEWAY_AUTH_TOKENS", TOKEN)
                    .gatewaySetting("PORTHOLE_GATEWAY_REGISTRY_TTL", "4s")
                    .gatewaySetting("PORTHOLE_GATEWAY_REGISTRY_REFRESH_INTERVAL", "1s")
                    .gatewaySetting("PORTHOLE_GATEWAY_HEARTBEAT_INTERVAL", "1s")
                    .gatewaySetting("PORTHOLE_GATEWAY_HEARTBEAT_TIMEOUT", "3s")
                    .gatewaySetting("PORTHOLE_GATEWAY_SHUTDOWN_PRE_DRAIN_DELAY", PRE_DRAIN_DELAY.toMillis() + "ms")
                    .gatewaySetting("PORTHOLE_GATEWAY_SHUTDOWN_DRAIN_TIMEOUT", "30s");
            List<Gateway> gateways = new ArrayList<>();
            for (String id : List.of("gw-a", "gw-b", "gw-c")) {
                gateways.add(system.newGateway(id).inCluster(id).start());
            }
            system.startUpstream();
            int balancer = FreePorts.loopback();
            // haproxy as the issue asks for it: health checks on each gateway's readiness every 300 ms, one
            // failure takes it out and one success brings it back, and a connection that cannot be made is
            // retried on another gateway.
            system.startHaproxy(
                    HaproxyConfig.roundRobin(balancer, gateways)
                            .defaults("timeout check 2s", "retries 3", "option redispatch")
                            .backend("option httpchk GET /q/health/ready", "default-server inter 300ms fall 1 rise 1")
                            .serverOptions(gateway -> "check port " + gateway.managementPort())
                            .text(),
                    balancer);
            gateways.forEach(RollingRestartIT::awaitReady);
            system.startAgent(
                    "agent",
                    balancer,
                    List.of("-Xmx128m"),
                    List.of("--token", TOKEN, "--subdomain", "rolling", "--no-inspect"));

            try (Load load = new Load(balancer)) {
                load.awaitServed(REQUESTS_BETWEEN_RESTARTS);
                for (int i = 0; i < gateways.size(); i++) {
                    Gateway old = gateways.get(i);
                    long pid = old.process().pid();
                    long before = System.nanoTime();
                    old.process().terminate();
                    old.process().awaitExit(Duration.ofSeconds(90));
                    await("the gateway's last lines")
                            .atMost(Duration.ofSeconds(10))
                            .untilAsserted(() -> assertThat(old.process().stdout())
                                    .anyMatch(line ->
                                            line.contains("drained: every open request and connection finished")));
                    Gateway started =
                            system.newGateway(old.id() + "-2").replacing(old).start();
                    gateways.set(i, started);
                    awaitReady(started);
                    System.out.printf(
                            "RollingRestartIT: %s stopped (pid %d) and ready again (pid %d) after %d ms; %s so far%n",
                            old.id(),
                            pid,
                            started.process().pid(),
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before),
                            load);
                    assertThat(started.process().pid())
                            .as("a new process for " + old.id())
                            .isNotEqualTo(pid);
                    load.awaitServed(load.served() + REQUESTS_BETWEEN_RESTARTS);
                }
                load.stop();
                System.out.printf("RollingRestartIT: %s%n", load);
                assertThat(load.failures())
                        .as("failed requests during the rolling restart")
                        .isEmpty();
                assertThat(load.statuses()).as("responses by status").containsOnlyKeys(200);
                assertThat(load.served()).isGreaterThan(gateways.size() * REQUESTS_BETWEEN_RESTARTS);
            }
            for (Gateway gateway : gateways) {
                assertThat(gateway.process().stdout())
                        .as(gateway.id() + " after its restart")
                        .anyMatch(line -> line.contains("listening on"));
            }
        }
    }

    /** Waits until the gateway's readiness is up (what haproxy checks). */
    private static void awaitReady(Gateway gateway) {
        await(gateway.id() + " ready")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .failFast(gateway.id() + " exited", () -> !gateway.process().isAlive())
                .until(() -> readiness(gateway) == 200);
    }

    private static int readiness(Gateway gateway) {
        try {
            return Http.get("http://127.0.0.1:" + gateway.managementPort() + "/q/health/ready")
                    .statusCode();
        } catch (AssertionError | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Visitors on virtual threads, each with its own client (connections kept alive), sending GETs
     * through the balancer one after another until stopped; counts every status and every I/O error.
     */
    private static final class Load implements AutoCloseable {
        private static final int FAILURES_KEPT = 20;

        private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong served = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

        Load(int balancer) {
            URI uri = URI.create("http://127.0.0.1:" + balancer + "/hello");
            String host = "rolling." + PortholeSystem.DOMAIN + ":" + balancer;
            for (int i = 0; i < VISITORS; i++) {
                threads.submit(() -> visit(uri, host));
            }
        }

        private void visit(URI uri, String host) {
            try (HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build()) {
                HttpRequest request = HttpRequest.newBuilder(uri)
                        .header("Host", host)
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build();
                while (running.get()) {
                    try {
                        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                        statuses.computeIfAbsent(response.statusCode(), code -> new AtomicLong())
                                .incrementAndGet();
                        if (response.statusCode() == 200 && response.body().equals("hello\n")) {
                            served.incrementAndGet();
                        } else {
                            String body = response.body().replaceAll("\\s+", " ");
                            fail(response.statusCode() + " "
                                    + response.headers()
                                            .firstValue("X-Porthole-Error")
                                            .orElse("") + ": " + body.substring(0, Math.min(body.length(), 300)));
                        }
                    } catch (IOException e) {
                        fail("I/O error: " + e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }

        private void fail(String what) {
            if (failed.incrementAndGet() <= FAILURES_KEPT) {
                failures.add(what);
            }
        }

        void awaitServed(long count) {
            await("visitors served " + count + " requests")
                    .atMost(Duration.ofSeconds(120))
                    .until(() -> served.get() >= count);
        }

        long served() {
            return served.get();
        }

        List<String> failures() {
            return List.copyOf(failures);
        }

        Map<Integer, Long> statuses() {
            Map<Integer, Long> counts = new java.util.TreeMap<>();
            statuses.forEach((code, count) -> counts.put(code, count.get()));
            return counts;
        }

        void stop() throws InterruptedException {
            running.set(false);
            threads.shutdown();
            if (!threads.awaitTermination(60, TimeUnit.SECONDS)) {
                throw new AssertionError("the visitors did not finish their last requests within 60 s");
            }
        }

        @Override
        public void close() {
            running.set(false);
            threads.shutdownNow();
        }

        @Override
        public String toString() {
            return served.get() + " served, " + failed.get() + " failed, statuses " + statuses();
        }
    }
}
