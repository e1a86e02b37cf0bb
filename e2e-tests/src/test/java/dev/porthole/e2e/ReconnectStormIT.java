package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.agent.tunnel.AgentSettings;
import dev.porthole.agent.tunnel.Backoff;
import dev.porthole.agent.tunnel.TunnelClient;
import dev.porthole.agent.tunnel.TunnelListener;
import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.protocol.message.Notice;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelResult;
import io.vertx.core.Vertx;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway restart under 200 agents, all in this JVM through the real agent library (one
 * {@link TunnelClient} and WebSocket each) against a real gateway process: every agent comes back
 * with its own name, and the reconnections spread over the back-off window instead of arriving as
 * one synchronized wave.
 */
class ReconnectStormIT {

    private static final String TOKEN = "storm-token-0123456789";
    private static final int AGENTS = 200;
    private static final Duration WAIT = Duration.ofSeconds(90);

    private final Vertx vertx = Vertx.vertx();
    private final List<TunnelClient> clients = new ArrayList<>();
    /** Agent name to the names its latest WELCOME granted. */
    private final Map<String, List<String>> granted = new ConcurrentHashMap<>();
    /** Agent name to when (System.nanoTime) it was welcomed back after the restart. */
    private final Map<String, Long> reconnectedAt = new ConcurrentHashMap<>();

    private PortholeSystem system;

    @AfterEach
    void stop() {
        clients.forEach(TunnelClient::stop);
        vertx.close().toCompletionStage().toCompletableFuture().join();
        system.close();
    }

    @Test
    void agentsComeBackWithTheirNamesSpreadOverTheBackOffWindow() throws Exception {
        system = new PortholeSystem("ReconnectStormIT")
                .gatewayJvm("-Xmx512m")
                .gatewaySetting("PORTHOLE_GATEWAY_AUTH_TOKENS", TOKEN)
                .startGateway();
        URI server = URI.create("http://127.0.0.1:" + system.gatewayPort());
        for (int i = 0; i < AGENTS; i++) {
            clients.add(start(server, "storm-" + i));
        }
        await().atMost(WAIT).until(() -> granted.size() == AGENTS);

        system.restartGateway(false);
        long gatewayUp = System.nanoTime();

        await().atMost(WAIT).until(() -> reconnectedAt.size() == AGENTS);
        granted.forEach((agent, names) ->
                assertThat(names).as(agent + " got its own name back").containsExactly(agent));

        TreeMap<Long, Integer> perTenthOfASecond = new TreeMap<>();
        reconnectedAt
                .values()
                .forEach(at ->
                        perTenthOfASecond.merge(TimeUnit.NANOSECONDS.toMillis(at - gatewayUp) / 100, 1, Integer::sum));
        long first =
                reconnectedAt.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        long last =
                reconnectedAt.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        System.out.printf(
                "ReconnectStormIT: %d agents back between %d and %d ms after the new gateway was up; per 100 ms: %s%n",
                AGENTS,
                TimeUnit.NANOSECONDS.toMillis(first - gatewayUp),
                TimeUnit.NANOSECONDS.toMillis(last - gatewayUp),
                perTenthOfASecond);
        assertThat(TimeUnit.NANOSECONDS.toMillis(last - first))
                .as("the reconnections spread over the window")
                .isGreaterThan(500);
        assertThat(perTenthOfASecond.values())
                .as("agents back in any one 100 ms: %s", perTenthOfASecond)
                .allMatch(count -> count <= AGENTS / 4);
    }

    private TunnelClient start(URI server, String name) {
        AgentSettings settings = AgentSettings.of(server, "agent-" + name, draft -> {
            draft.authorization = "Bearer " + TOKEN;
            draft.tunnels =
                    List.of(new TunnelSpec(TunnelKind.HTTP, name, 0, false, new UpstreamAddress("127.0.0.1", 9)));
            draft.upstreamTimeout = Duration.ofSeconds(10);
            draft.maxUpstreamConnections = 1;
            draft.maxReconnectDelay = Duration.ofSeconds(8);
        });
        TunnelClient client = new TunnelClient(
                vertx,
                settings,
                (stream, open, tunnel) -> stream.reset(ResetCode.NO_SUCH_TUNNEL, "storm agent"),
                new TunnelListener() {
                    @Override
                    public void connected(List<TunnelResult> results, boolean first) {
                        granted.put(
                                name,
                                results.stream()
                                        .filter(TunnelResult::granted)
                                        .map(TunnelResult::name)
                                        .toList());
                        if (!first) {
                            reconnectedAt.putIfAbsent(name, System.nanoTime());
                        }
                    }

                    @Override
                    public void notice(Notice notice) {}

                    @Override
                    public void retrying(String reason, Duration retryIn) {}
                },
                new Backoff(
                        Duration.ofMillis(500),
                        Duration.ofSeconds(8),
                        Duration.ofSeconds(30),
                        new SecureRandom(),
                        Clock.systemUTC()),
                "storm");
        client.start();
        return client;
    }
}
