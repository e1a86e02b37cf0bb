package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.e2e.support.Http;
import dev.porthole.e2e.support.PortholeSystem;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real agent with {@code --connections 2} in front of a real gateway: both connections hold the tunnel
 * and carry its requests (each lane on its own event loop at both ends), and every visitor's request is
 * answered whole.
 */
class PoolConnectionsIT {

    private static final String TOKEN = "e2e-token-0123456789";
    private static final int REQUESTS = 400;
    private static final int VISITORS = 8;
    private static final Pattern BYTES_IN = Pattern.compile("agent disconnected: session (\\S+),.* (\\d+) bytes in");

    private static PortholeSystem system;
    private static PortholeSystem.Agent agent;

    @BeforeAll
    static void start() {
        system = new PortholeSystem("PoolConnectionsIT")
                .gatewaySetting("PORTHOLE_GATEWAY_AUTH_TOKENS", TOKEN)
                .startGateway()
                .startUpstream();
        agent = system.startAgent(
                "pool-agent", List.of("--token", TOKEN, "--connections", "2", "--subdomain", "pooled", "--no-inspect"));
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    void bothConnectionsCarryTheTunnelsRequestsAndEveryOneIsAnswered() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> gatewayLines("agent connected: ") == 2);
        String expected = Http.get(system.upstreamUrl("/hello")).body();

        ExecutorService visitors = Executors.newFixedThreadPool(VISITORS);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < REQUESTS; i++) {
                answers.add(visitors.submit(() -> Http.getByHost(system, "pooled", "/hello")));
            }
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo(expected);
            }
        } finally {
            visitors.shutdownNow();
        }

        // The gateway's line for each session at its end says what it carried from the agent.
        agent.process().terminate();
        agent.process().awaitExit(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(10)).until(() -> gatewayLines("agent disconnected: ") == 2);
        List<Long> bytesIn = system.gateway()
                .output()
                .lines()
                .map(BYTES_IN::matcher)
                .filter(Matcher::find)
                .map(found -> Long.parseLong(found.group(2)))
                .toList();
        long total = bytesIn.stream().mapToLong(Long::longValue).sum();
        // A lane that served nothing carried its handshake and heartbeats: well under a twentieth.
        assertThat(bytesIn)
                .as("bytes each of the two sessions carried from the agent")
                .hasSize(2)
                .allSatisfy(bytes -> assertThat(bytes).isGreaterThan(total / 20));
    }

    private static long gatewayLines(String text) {
        return system.gateway()
                .output()
                .lines()
                .filter(line -> line.contains(text))
                .count();
    }
}
