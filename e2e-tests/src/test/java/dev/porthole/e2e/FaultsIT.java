package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.e2e.support.Http;
import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.e2e.support.PortholeSystem.Agent;
import dev.porthole.e2e.support.StallingProxy;
import dev.porthole.testing.ServiceProcess;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Faults between the parts, every part a real process: what visitors and agents see. */
class FaultsIT {

    private static final String TOKEN = "faults-token-0123456789";

    private PortholeSystem system;

    @AfterEach
    void stop() {
        system.close();
    }

    private PortholeSystem start(String name) {
        return new PortholeSystem(name)
                .gatewaySetting("PORTHOLE_GATEWAY_AUTH_TOKENS", TOKEN)
                .gatewaySetting("PORTHOLE_GATEWAY_HEARTBEAT_INTERVAL", "500ms")
                .gatewaySetting("PORTHOLE_GATEWAY_HEARTBEAT_TIMEOUT", "2s")
                .gatewaySetting("PORTHOLE_GATEWAY_REGISTRY_TTL", "3s")
                .gatewaySetting("PORTHOLE_GATEWAY_REGISTRY_REFRESH_INTERVAL", "500ms")
                .startGateway()
                .startUpstream();
    }

    @Test
    void withRedisStoppedTunnelsServeNewClaimsWaitAndTheRegistryIsRebuilt() {
        system = start("FaultsIT-redis");
        Agent steady = system.startAgent("steady", List.of("--token", TOKEN, "--subdomain", "steady"));
        assertThat(system.redisGet("porthole:route:http:{steady}"))
                .as("the route is in the registry")
                .contains("sessionId");

        system.redis().stop();
        assertThat(Http.getByHost(system, "steady", "/hello").statusCode())
                .as("an open tunnel serves without Redis")
                .isEqualTo(200);
        ServiceProcess newcomer = system.launchHttpAgent(
                "newcomer", system.gatewayPort(), List.of("--token", TOKEN, "--subdomain", "newcomer"));
        newcomer.awaitLog(line -> line.contains("retrying in"), Duration.ofSeconds(60));
        assertThat(newcomer.isAlive())
                .as("the agent waits for the registry instead of giving up")
                .isTrue();
        assertThat(String.join("\n", newcomer.stderr())).contains("registry");
        assertThat(Http.getByHost(system, "steady", "/hello").statusCode()).isEqualTo(200);

        system.redis().start();
        assertThat(newcomer.awaitFirstLine(Duration.ofSeconds(60))).startsWith("http://newcomer.");
        await("the open tunnel's route is written back")
                .atMost(Duration.ofSeconds(30))
                .until(() -> !system.redisGet("porthole:route:http:{steady}").isEmpty());
        assertThat(Http.getByHost(system, "newcomer", "/hello").statusCode()).isEqualTo(200);

        steady.process().stop();
        await("nothing stale is left once its agent leaves")
                .atMost(Duration.ofSeconds(30))
                .until(() -> system.redisGet("porthole:route:http:{steady}").isEmpty());
    }

    @Test
    void aStalledConnectionIsFoundByTheHeartbeatAndTheAgentComesBack() {
        system = start("FaultsIT-stall");
        try (StallingProxy proxy = new StallingProxy(system.gatewayPort())) {
            ServiceProcess agent = system.launchHttpAgent(
                    "stalled", proxy.port(), List.of("--token", TOKEN, "--subdomain", "stalled"));
            assertThat(agent.awaitFirstLine(Duration.ofSeconds(60))).startsWith("http://stalled.");
            assertThat(Http.getByHost(system, "stalled", "/hello").statusCode()).isEqualTo(200);

            proxy.stall();
            await("the gateway gives up on the silent agent")
                    .atMost(Duration.ofSeconds(15))
                    .until(() -> Http.getByHost(system, "stalled", "/hello").statusCode() == 502);
            agent.awaitLog(line -> line.contains("retrying in"), Duration.ofSeconds(15));

            proxy.resume();
            await("the agent reconnects and serves again")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> Http.getByHost(system, "stalled", "/hello").statusCode() == 200);
        }
    }

    @Test
    void aVisitorWhoStopsReadingSlowsNoOtherStreamAndGrowsNoMemory() throws Exception {
        system = start("FaultsIT-slowVisitor");
        Agent agent = system.startAgent("busy", List.of("--token", TOKEN, "--subdomain", "busy"));
        long gatewayBefore = system.gateway().residentBytes();
        try (Socket stuck = new Socket("127.0.0.1", system.gatewayPort())) {
            stuck.setReceiveBufferSize(4096);
            OutputStream out = stuck.getOutputStream();
            out.write(("GET /bytes/" + (512L * 1024 * 1024) + " HTTP/1.1\r\nHost: " + system.host("busy") + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = stuck.getInputStream();
            assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");

            for (int i = 0; i < 50; i++) {
                assertThat(Http.getByHost(system, agent.name(), "/hello").statusCode())
                        .as("request %d beside the stuck download", i)
                        .isEqualTo(200);
            }
            long gatewayAfter = system.gateway().residentBytes();
            assertThat(gatewayAfter - gatewayBefore)
                    .as("the gateway buffers at most a window for the stuck visitor")
                    .isLessThan(64L * 1024 * 1024);
            assertThat(agent.process().residentBytes())
                    .as("the agent reads no further than the window")
                    .isLessThan(400L * 1024 * 1024);
        }
        assertThat(Http.getByHost(system, agent.name(), "/hello").statusCode()).isEqualTo(200);
    }
}
