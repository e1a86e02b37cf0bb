package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.e2e.support.Http;
import dev.porthole.e2e.support.PortholeSystem;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a real gateway process: readiness goes down, requests in flight finish, new ones are
 * still served but close their connection, agents are told to reconnect elsewhere (and refused
 * here), and what outlives the drain timeout is cut.
 */
class GracefulShutdownIT {

    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern OPEN_STREAMS =
            Pattern.compile("(?m)^porthole_gateway_streams(?:\\{[^}]*})? ([0-9.]+)$");

    @Test
    void finishesOpenRequestsRefusesNewOnesAndCutsWhatOutlivesTheDeadline() throws Exception {
        try (PortholeSystem system = new PortholeSystem("GracefulShutdownIT")) {
            system.gatewaySetting("PORTHOLE_GATEWAY_SHUTDOWN_DRAIN_TIMEOUT", DRAIN_TIMEOUT.toSeconds() + "s")
                    .gatewaySetting("PORTHOLE_GATEWAY_HTTP_RESPONSE_TIMEOUT", "60s")
                    .startUpstream()
                    .startGateway();
            PortholeSystem.Agent agent = system.startAgent("agent", List.of());

            CompletableFuture<HttpResponse<String>> finishing = slow(system, agent, 2_500);
            CompletableFuture<HttpResponse<String>> outliving = slow(system, agent, 60_000);
            await("both requests reach the agent")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> openStreams(system) == 2);

            long terminatedAt = System.nanoTime();
            system.gateway().terminate();
            await("readiness goes down").atMost(Duration.ofSeconds(10)).until(() -> readiness(system) != 200);
            // Served still (by the agent's old connection), but the visitor's next request goes through a new
            // connection.
            HttpResponse<String> served = await("a new request is served and closes its connection")
                    .atMost(Duration.ofSeconds(10))
                    .until(
                            () -> Http.getByHost(system, agent.name(), "/hello"),
                            response -> response.headers()
                                    .firstValue("Connection")
                                    .filter(value -> value.equalsIgnoreCase("close"))
                                    .isPresent());
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(served.body()).isEqualTo("hello\n");
            agent.process().awaitLog(line -> line.contains("the gateway is draining"), Duration.ofSeconds(10));
            // Its reconnect is refused here (another gateway would take it), and retried without a long back-off.
            agent.process().awaitLog(line -> line.contains("another gateway takes over"), Duration.ofSeconds(10));

            HttpResponse<String> finished = finishing.get(20, TimeUnit.SECONDS);
            assertThat(finished.statusCode()).isEqualTo(200);
            assertThat(finished.body()).isEqualTo("slept 2500 ms\n");

            String cut = outcome(outliving);
            long cutAfterMillis = (System.nanoTime() - terminatedAt) / 1_000_000;
            assertThat(cut).isNotEqualTo("200");
            assertThat(cutAfterMillis).isGreaterThanOrEqualTo(DRAIN_TIMEOUT.toMillis() - 500);
            int exitCode = system.gateway().awaitExit(Duration.ofSeconds(20));
            await("the gateway's last lines")
                    .atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(system.gateway().stdout())
                            .as("gateway output (exit code %d)", exitCode)
                            .anyMatch(line -> line.contains("drain timeout of 5000 ms passed with 1 stream(s)")));
        }
    }

    private static CompletableFuture<HttpResponse<String>> slow(
            PortholeSystem system, PortholeSystem.Agent agent, int delayMillis) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(system.gatewayUrl("/slow?delay=" + delayMillis)))
                .header("Host", system.host(agent.name()))
                .timeout(Duration.ofSeconds(90))
                .build();
        return Http.client().sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The status code, or how the connection broke off. */
    private static String outcome(CompletableFuture<HttpResponse<String>> response) throws Exception {
        try {
            return String.valueOf(response.get(30, TimeUnit.SECONDS).statusCode());
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(IOException.class);
            return "broken: " + e.getCause();
        }
    }

    /** The readiness status, or -1 while the management port does not answer. */
    private static int readiness(PortholeSystem system) {
        try {
            return Http.get(system.managementUrl("/q/health/ready")).statusCode();
        } catch (AssertionError e) {
            return -1;
        }
    }

    private static int openStreams(PortholeSystem system) {
        Matcher matcher = OPEN_STREAMS.matcher(
                Http.get(system.managementUrl("/q/metrics")).body());
        return matcher.find() ? (int) Double.parseDouble(matcher.group(1)) : -1;
    }
}
