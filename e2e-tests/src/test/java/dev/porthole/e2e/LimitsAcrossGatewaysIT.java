package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.e2e.support.GatewayLaunch.Gateway;
import dev.porthole.e2e.support.Http;
import dev.porthole.e2e.support.PortholeSystem;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One client limited to 5 MiB/s downloading through two gateways at once (two agents with the same
 * token, one on each): together they get 5 MiB/s, within the accuracy docs/operations.md states
 * ("Limits across gateways"), not 5 MiB/s on each.
 */
class LimitsAcrossGatewaysIT {

    private static final String TOKEN = "e2e-token-0123456789";
    private static final long RATE = 5L * 1024 * 1024;
    /** Per gateway; 30 MiB in all, about 6 s at the client's rate. */
    private static final long SIZE = 15L * 1024 * 1024;

    private static final double ACCURACY = 0.10;

    private static PortholeSystem system;
    private static Gateway left;
    private static Gateway right;

    @BeforeAll
    static void start() {
        system = new PortholeSystem("LimitsAcrossGatewaysIT")
                .gatewaySetting("PORTHOLE_GATEWAY_AUTH_TOKENS", TOKEN)
                .gatewaySetting("PORTHOLE_GATEWAY_LIMITS_BANDWIDTH_CLIENT_DOWNLOAD", "5M");
        left = system.newGateway("gw-left").inCluster("gw-left").start();
        right = system.newGateway("gw-right").inCluster("gw-right").start();
        system.startUpstream();
        system.startAgent(
                "agent-left",
                left.port(),
                List.of("-Xmx128m"),
                List.of("--token", TOKEN, "--subdomain", "left", "--no-inspect"));
        system.startAgent(
                "agent-right",
                right.port(),
                List.of("-Xmx128m"),
                List.of("--token", TOKEN, "--subdomain", "right", "--no-inspect"));
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    void oneClientOnTwoGatewaysGetsItsDownloadRateOnceInTotal() {
        // Warm both paths up, so that what is timed below is the limit and not the JIT.
        download(left, "left", 64 * 1024);
        download(right, "right", 64 * 1024);

        long started = System.nanoTime();
        CompletableFuture<Long> throughLeft = CompletableFuture.supplyAsync(() -> download(left, "left", SIZE));
        CompletableFuture<Long> throughRight = CompletableFuture.supplyAsync(() -> download(right, "right", SIZE));
        long total = throughLeft.join() + throughRight.join();
        double seconds = (System.nanoTime() - started) / 1e9;

        double rate = total / seconds;
        System.out.printf(
                "LimitsAcrossGatewaysIT: %d bytes through two gateways in %.2f s: %.2f MiB/s for a 5 MiB/s client%n",
                total, seconds, rate / (1024 * 1024));
        assertThat(total).isEqualTo(2 * SIZE);
        assertThat(rate)
                .as("bytes per second through both gateways together")
                .isLessThanOrEqualTo(RATE * (1 + ACCURACY));
        // Not starved either: each gateway leases its share (a loaded CI machine gets some slack here).
        assertThat(rate).isGreaterThan(RATE * 0.6);
    }

    private static long download(Gateway gateway, String tunnel, long size) {
        try {
            HttpResponse<InputStream> response = Http.send(
                    HttpRequest.newBuilder(URI.create(
                                    "http://127.0.0.1:" + gateway.port() + "/t/" + tunnel + "/bytes/" + size))
                            .timeout(Duration.ofSeconds(60))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            long read = 0;
            try (InputStream body = response.body()) {
                byte[] buffer = new byte[256 * 1024];
                int n;
                while ((n = body.read(buffer)) >= 0) {
                    read += n;
                }
            }
            return read;
        } catch (Exception e) {
            throw new AssertionError("download through " + gateway.id() + " failed: " + e.getMessage(), e);
        }
    }
}
