package dev.porthole.agent.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porthole.agent.tunnel.AgentExit;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelResult;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The report webhook over real HTTP: what is posted, and how often. */
class IncidentReportsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Vertx vertx;
    private HttpServer receiver;
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T00:00:00Z"));

    @BeforeEach
    void startReceiver() throws Exception {
        vertx = Vertx.vertx();
        receiver = vertx.createHttpServer()
                .requestHandler(request -> request.body().onSuccess(body -> {
                    try {
                        received.add(JSON.readTree(body.getBytes()));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    request.response().setStatusCode(204).end();
                }))
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private IncidentReports reports() {
        return new IncidentReports(
                vertx,
                URI.create("http://127.0.0.1:" + receiver.actualPort() + "/hook"),
                "agent-1",
                "http://gw:8080",
                3,
                Duration.ofMinutes(1),
                clock);
    }

    @Test
    void postsTheFatalErrorWithItsExitCode() throws Exception {
        reports()
                .fatal(new AgentExit(AgentExit.AUTH_FAILED, "the token was not accepted"))
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertThat(received).singleElement().satisfies(report -> {
            assertThat(report.get("type").asText()).isEqualTo("agent.fatal");
            assertThat(report.get("exitCode").asInt()).isEqualTo(3);
            assertThat(report.get("message").asText()).isEqualTo("the token was not accepted");
            assertThat(report.get("agentId").asText()).isEqualTo("agent-1");
            assertThat(report.get("server").asText()).isEqualTo("http://gw:8080");
            assertThat(report.get("at").asText()).isEqualTo("2026-11-30T00:00:00Z");
        });
    }

    @Test
    void reportsReconnectFailuresFromTheThirdInARowAtMostOncePerMinute() {
        IncidentReports reports = reports();
        reports.retrying("cannot reach the gateway", Duration.ofSeconds(1));
        reports.retrying("cannot reach the gateway", Duration.ofSeconds(2));
        reports.retrying("cannot reach the gateway", Duration.ofSeconds(4));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        assertThat(received.get(0).get("type").asText()).isEqualTo("agent.reconnect-failing");
        assertThat(received.get(0).get("failuresInARow").asInt()).isEqualTo(3);

        clock.advance(Duration.ofSeconds(30));
        reports.retrying("cannot reach the gateway", Duration.ofSeconds(8));
        clock.advance(Duration.ofSeconds(31));
        reports.retrying("cannot reach the gateway", Duration.ofSeconds(16));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
        assertThat(received.get(1).get("failuresInARow").asInt()).isEqualTo(5);
        assertThat(received).hasSize(2);
    }

    @Test
    void aConnectionStartsTheCountAgain() {
        IncidentReports reports = reports();
        reports.retrying("lost", Duration.ofSeconds(1));
        reports.retrying("lost", Duration.ofSeconds(1));
        reports.connected(List.of(), false);
        reports.retrying("lost", Duration.ofSeconds(1));
        reports.retrying("lost", Duration.ofSeconds(1));
        assertThat(received)
                .as("two in a row after the reconnect are below the threshold")
                .isEmpty();
    }

    @Test
    void aHandshakeThatGrantsNothingIsAFailureInTheRow() {
        IncidentReports reports = reports();
        // Held back next to a refusal for now only: the gateway closes with TRY_AGAIN_LATER after each WELCOME.
        List<TunnelResult> heldBack = List.of(
                new TunnelResult(TunnelKind.HTTP, "web", 0, "", TunnelResult.UNAVAILABLE, "held back: ..."),
                new TunnelResult(TunnelKind.TCP, "", 0, "", TunnelResult.UNAVAILABLE, "no free TCP port ..."));
        for (int i = 0; i < 3; i++) {
            reports.connected(heldBack, true);
            reports.retrying("the gateway asks to try again later", Duration.ofSeconds(1));
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        assertThat(received.get(0).get("failuresInARow").asInt()).isEqualTo(3);
        assertThat(received.get(0).get("message").asText()).isEqualTo("the gateway asks to try again later");
    }

    @Test
    void refusesAUrlThatIsNotHttp() {
        assertThatThrownBy(() ->
                        new IncidentReports(vertx, URI.create("ftp://x/y"), "a", "s", 3, Duration.ofMinutes(1), clock))
                .hasMessageContaining("--report-url must be an http:// or https:// URL");
    }

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
