package dev.porthole.gateway.metrics;

import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.gateway.support.Upstreams;
import dev.porthole.gateway.support.Visitor;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpResponseHead;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Prometheus series after real agents and visitors: per tunnel and client, the latency histogram, open streams. */
@QuarkusTest
@TestProfile(GatewayTestProfiles.PerTunnelMetrics.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class MetricsEndpointTest {

    @Inject
    Vertx vertx;

    @Test
    void exportsTrafficPerTunnelAndClientAndRemovesItWhenTheTunnelCloses() {
        TestAgent agent = TestAgent.connect(
                vertx,
                GatewayPortResource.port(),
                TOKEN,
                "agent-metrics",
                List.of(TunnelRequest.http("metered", "x:1"), TunnelRequest.http("slow", "x:2")));
        assertThat(agent.awaitWelcome().tunnels()).allMatch(t -> t.granted());
        CompletableFuture<MuxStream> held = new CompletableFuture<>();
        agent.serving((stream, open) -> {
            if (open.tunnel().equals("slow")) {
                held.complete(stream);
            } else {
                Upstreams.respond(200, "counted").accept(stream, open);
            }
        });
        Visitor visitor = new Visitor(vertx, GatewayPortResource.port());

        assertThat(visitor.get(host("metered"), "/").status()).isEqualTo(200);
        CompletableFuture<Visitor.Reply> waiting = CompletableFuture.supplyAsync(() -> visitor.get(host("slow"), "/"));
        MuxStream slow = held.orTimeout(5, TimeUnit.SECONDS).join();

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(scrape())
                        .as("the slow request's stream is open")
                        .containsPattern("porthole_gateway_streams(\\{[^}]*})? 1\\.0"));
        assertThat(scrape())
                .containsPattern(
                        "porthole_gateway_tunnel_requests_total\\{[^}]*status=\"2xx\",tunnel=\"metered\"} 1\\.0")
                .containsPattern(
                        "porthole_gateway_tunnel_bytes_total\\{direction=\"out\",[^}]*tunnel=\"metered\"} [1-9]")
                .containsPattern(
                        "porthole_gateway_client_requests_total\\{client=\"[^\"]+\",[^}]*status=\"2xx\"} 1\\.0")
                .containsPattern(
                        "porthole_gateway_client_bytes_total\\{client=\"[^\"]+\",direction=\"out\"[^}]*} [1-9]")
                .containsPattern(
                        "porthole_gateway_http_requests_seconds_bucket\\{status=\"2xx\",le=\"0\\.05\"} [01]\\.0")
                .containsPattern("porthole_gateway_http_requests_seconds_bucket\\{status=\"2xx\",le=\"\\+Inf\"} 1\\.0")
                .containsPattern("porthole_gateway_bytes_total\\{direction=\"out\"[^}]*} [1-9]")
                .as("client limits are shared through Redis")
                .containsPattern("porthole_gateway_limits_shared\\{[^}]*state=\"shared\"[^}]*} 1\\.0")
                .containsPattern("porthole_gateway_limits_shared\\{[^}]*state=\"fallback\"[^}]*} 0\\.0");
        assertThat(scrape())
                .as("visitor requests are counted by porthole_* meters only, not timed per URI by Quarkus")
                .doesNotContain("http_server_requests");

        slow.respond(new HttpResponseHead(503, "", List.of(new Header("Content-Length", "0"))), true);
        assertThat(waiting.join().status()).isEqualTo(503);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(scrape())
                        .containsPattern(
                                "porthole_gateway_tunnel_requests_total\\{[^}]*status=\"5xx\",tunnel=\"slow\"} 1\\.0")
                        .containsPattern("porthole_gateway_streams(\\{[^}]*})? 0\\.0"));

        TestAgent.closeAndAwait(agent);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(scrape())
                        .doesNotContain("tunnel=\"metered\"")
                        .doesNotContain("tunnel=\"slow\""));
    }

    private static String host(String name) {
        return name + ".porthole.test:" + GatewayPortResource.port();
    }

    private static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }
}
