package dev.porthole.gateway.ingress;

import static dev.porthole.gateway.support.RawH2Connection.ENHANCE_YOUR_CALM;
import static dev.porthole.gateway.support.RawH2Connection.GOAWAY;
import static dev.porthole.gateway.support.RawH2Connection.REFUSED_STREAM;
import static dev.porthole.gateway.support.RawH2Connection.RST_STREAM;
import static dev.porthole.gateway.support.RawH2Connection.SETTINGS;
import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles;
import dev.porthole.gateway.support.RawH2Connection;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.gateway.support.Upstreams;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.Open;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 visitors on the plain listener (h2c with prior knowledge): served through a tunnel like
 * HTTP/1.1 ones, held to the stream limit, and cut off when they reset streams or flood control
 * frames faster than allowed (rapid reset, CVE-2023-44487), while other visitors go on being served.
 */
@QuarkusTest
@TestProfile(Http2VisitorTest.SmallHttp2Limits.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class Http2VisitorTest {

    private static final int MAX_STREAMS = 5;
    private static final int MAX_RESETS = 50;
    private static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;

    /** Limits small enough to reach in a test. */
    public static final class SmallHttp2Limits extends GatewayTestProfiles.Overrides {
        public SmallHttp2Limits() {
            super("""
                    porthole.gateway.http.http2.max-concurrent-streams=%d
                    porthole.gateway.http.http2.max-resets-per-window=%d
                    porthole.gateway.http.http2.reset-window=60s
                    # A flood keeps an event loop busy for a while on a loaded machine; the tests' usual 1 s
                    # heartbeat timeout would then drop the agent, which production's default does not.
                    porthole.gateway.heartbeat.timeout=15s
                    """.formatted(MAX_STREAMS, MAX_RESETS));
        }
    }

    @Inject
    Vertx vertx;

    private TestAgent agent;
    private HttpClient h2c;

    @BeforeEach
    void connect() {
        agent = TestAgent.connectHttp(vertx, TOKEN, "agent-h2", "h2", TestAgent.WITH_TRAILERS);
        assertThat(agent.awaitWelcome().tunnels().getFirst().granted()).isTrue();
        agent.serving(Upstreams.respond(200, "served"));
        h2c = vertx.createHttpClient(
                new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    }

    @AfterEach
    void disconnect() {
        h2c.close().toCompletionStage().toCompletableFuture().join();
        TestAgent.closeAndAwait(agent);
    }

    private static String authority() {
        return "h2.porthole.test:" + GatewayPortResource.port();
    }

    /** A request over a fresh h2c connection: the version the gateway answered with, the status and the body. */
    private String served(HttpMethod method, String body) throws Exception {
        return h2c.request(new RequestOptions()
                        .setMethod(method)
                        .setServer(SocketAddress.inetSocketAddress(GatewayPortResource.port(), "127.0.0.1"))
                        .setHost("h2.porthole.test")
                        .setPort(GatewayPortResource.port())
                        .setURI("/ok")
                        .putHeader("Cookie", "a=1")
                        .addHeader("Cookie", "b=2"))
                .compose(request -> body == null ? request.send() : request.send(body))
                .compose(response ->
                        response.body().map(bytes -> version(response) + " " + response.statusCode() + " " + bytes))
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    private static String version(HttpClientResponse response) {
        return response.version() == HttpVersion.HTTP_2
                ? "h2"
                : response.version().name();
    }

    @Test
    void servesH2cWithPriorKnowledgeThroughATunnel() throws Exception {
        assertThat(served(HttpMethod.GET, null)).isEqualTo("h2 200 served");
        Open get = agent.opened.getLast();
        assertThat(get.request().headers())
                .as("the upstream gets a Host (from :authority) and one Cookie field")
                .contains(new Header("Host", authority()), new Header("Cookie", "a=1; b=2"));
        assertThat(get.request().headers()).noneMatch(header -> header.name().startsWith(":"));
        assertThat(get.fin())
                .as("a GET ended with its HEADERS opens a stream with FIN")
                .isTrue();

        assertThat(served(HttpMethod.POST, "a body")).isEqualTo("h2 200 served");
        assertThat(agent.opened.getLast().fin()).as("a body follows the head").isFalse();
    }

    @Test
    void carriesTeTrailersToTheAgentAndItsTrailersBackToTheVisitor() throws Exception {
        agent.serving(
                Upstreams.grpc("reply", List.of(new Header("grpc-status", "0"), new Header("x-checksum", "abc"))));
        String answer = h2c.request(new RequestOptions()
                        .setMethod(HttpMethod.POST)
                        .setServer(SocketAddress.inetSocketAddress(GatewayPortResource.port(), "127.0.0.1"))
                        .setHost("h2.porthole.test")
                        .setPort(GatewayPortResource.port())
                        .setURI("/pkg.Service/Call")
                        .putHeader("content-type", "application/grpc")
                        .putHeader("te", "trailers"))
                .compose(request -> request.send("ping"))
                .compose(response -> response.body()
                        .map(body -> body + " grpc-status=" + response.getTrailer("grpc-status") + " x-checksum="
                                + response.getTrailer("x-checksum")))
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertThat(answer).isEqualTo("reply grpc-status=0 x-checksum=abc");
        assertThat(agent.opened.getLast().request().headers()).contains(new Header("TE", "trailers"));
    }

    @Test
    void aGrpcCallToATunnelThatIsNotThereGetsUnavailableNotAPage() throws Exception {
        String answer = h2c.request(new RequestOptions()
                        .setMethod(HttpMethod.POST)
                        .setServer(SocketAddress.inetSocketAddress(GatewayPortResource.port(), "127.0.0.1"))
                        .setHost("nobody-here.porthole.test")
                        .setPort(GatewayPortResource.port())
                        .setURI("/pkg.Service/Call")
                        .putHeader("content-type", "application/grpc+proto")
                        .putHeader("te", "trailers"))
                .compose(request -> request.send("ping"))
                .compose(response -> response.body()
                        .map(body -> response.statusCode() + " " + response.getHeader("content-type") + " grpc-status="
                                + response.getHeader("grpc-status") + " body=" + body.length()))
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertThat(answer).isEqualTo("200 application/grpc grpc-status=14 body=0");
    }

    @Test
    void refusesStreamsBeyondTheConcurrentLimit() throws Exception {
        agent.serving(Upstreams.silent());
        try (RawH2Connection visitor = RawH2Connection.open(GatewayPortResource.port())) {
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> visitor.frames(SETTINGS).stream()
                            .anyMatch(settings -> settings.setting(SETTINGS_MAX_CONCURRENT_STREAMS) == MAX_STREAMS));
            for (int i = 0; i <= MAX_STREAMS; i++) {
                visitor.request(2 * i + 1, "GET", authority(), "/hang", Map.of(), true);
            }
            int extra = 2 * MAX_STREAMS + 1;
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> visitor.frames(RST_STREAM).stream().anyMatch(reset -> reset.stream() == extra));
            assertThat(visitor.frames(RST_STREAM))
                    .as("only the stream beyond the limit is refused")
                    .singleElement()
                    .satisfies(reset -> assertThat(reset.errorCode()).isEqualTo(REFUSED_STREAM));
            assertThat(visitor.closed).as("the connection stays open").isNotDone();
        }
    }

    @Test
    void cutsOffAVisitorThatResetsStreamsRapidlyWhileOthersAreServed() throws Exception {
        int before = agent.opened.size();
        int sent = 0;
        try (RawH2Connection visitor = RawH2Connection.open(GatewayPortResource.port())) {
            try {
                for (; sent < 10 * MAX_RESETS; sent++) {
                    int stream = 2 * sent + 1;
                    visitor.request(stream, "GET", authority(), "/reset", Map.of(), true);
                    visitor.reset(stream, RawH2Connection.CANCEL);
                }
            } catch (IOException cut) {
                // The gateway closed the connection while we were still resetting: what is expected.
            }
            await().atMost(Duration.ofSeconds(5)).until(visitor.closed::isDone);
            assertThat(visitor.frames(GOAWAY))
                    .singleElement()
                    .satisfies(goAway -> assertThat(goAway.errorCode()).isEqualTo(ENHANCE_YOUR_CALM));
        }
        assertThat(agent.opened.size() - before)
                .as("streams reached the agent until the reset limit, not one per reset sent (%d)", sent)
                .isLessThanOrEqualTo(MAX_RESETS + MAX_STREAMS);
        assertThat(served(HttpMethod.GET, null)).isEqualTo("h2 200 served");
    }

    @Test
    void cutsOffAVisitorThatFloodsPingsWithoutReadingTheAnswers() throws Exception {
        floodIsCutOff(RawH2Connection.PING, ByteBuffer.allocate(8).putLong(42).array());
    }

    @Test
    void cutsOffAVisitorThatFloodsSettingsWithoutReadingTheAnswers() throws Exception {
        floodIsCutOff(SETTINGS, new byte[0]);
    }

    /**
     * Sends control frames that each oblige the gateway to answer, never reading the answers: the
     * gateway's queue of unsent answers fills, and it closes the connection rather than grow it.
     */
    private void floodIsCutOff(int type, byte[] payload) throws Exception {
        boolean cut = false;
        try (RawH2Connection visitor = RawH2Connection.open(GatewayPortResource.port(), 4096)) {
            for (int i = 0; i < 2_000 && !cut; i++) {
                try {
                    visitor.frames(type, payload, 1_000);
                } catch (IOException closed) {
                    cut = true;
                }
            }
        }
        assertThat(cut).as("the gateway closed the flooding connection").isTrue();
        assertThat(served(HttpMethod.GET, null)).isEqualTo("h2 200 served");
    }
}
