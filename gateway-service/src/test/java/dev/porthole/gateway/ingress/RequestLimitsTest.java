package dev.porthole.gateway.ingress;

import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.limits.LimitPolicy;
import dev.porthole.gateway.limits.LimitSettings;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.gateway.support.Upstreams;
import dev.porthole.gateway.support.Visitor;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.protocol.mux.StreamResetException;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The per-tunnel request limits visitors meet: body size (413), requests per second (429),
 * concurrent streams (503 on HTTP tunnels, a reset on private ones).
 */
@QuarkusTest
@TestProfile(GatewayTestProfiles.Limited.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class RequestLimitsTest {

    @Inject
    Vertx vertx;

    @Inject
    LimitPolicy policy;

    @Inject
    RedisAPI redis;

    private TestAgent agent;

    private String connect(String name) {
        agent = TestAgent.connectHttp(vertx, TOKEN, "agent-" + name, name);
        assertThat(agent.awaitWelcome().tunnels().getFirst().granted()).isTrue();
        return name + ".porthole.test";
    }

    @AfterEach
    void disconnect() {
        TestAgent.closeAndAwait(agent);
    }

    @Test
    void aDeclaredBodyOverTheLimitGets413BeforeTheAgentHearsOfIt() {
        String host = connect("big-declared");
        agent.serving(Upstreams.respond(200, "served"));
        Visitor.Reply reply = new Visitor(vertx, GatewayPortResource.port())
                .send(
                        HttpMethod.POST,
                        host,
                        "/upload",
                        MultiMap.caseInsensitiveMultiMap(),
                        Buffer.buffer(new byte[2048]));
        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.header(ErrorPages.ERROR_HEADER)).isEqualTo("body-too-large");
        assertThat(reply.text()).contains("at most 1024 bytes");
        assertThat(agent.opened).isEmpty();
    }

    @Test
    void aChunkedBodyIsCutWhenItPassesTheLimitAndTheAgentSeesTheStreamReset() throws Exception {
        String host = connect("big-chunked");
        AtomicLong upstreamBytes = new AtomicLong();
        AtomicReference<Throwable> upstreamError = new AtomicReference<>();
        agent.serving((stream, open) -> {
            stream.handler(data -> upstreamBytes.addAndGet(data.length()));
            stream.exceptionHandler(upstreamError::set);
        });
        HttpClient client = vertx.createHttpClient();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost("127.0.0.1")
                .setPort(GatewayPortResource.port())
                .setURI("/upload")
                .putHeader("Host", host);
        HttpClientResponse response = client.request(options)
                .compose(request -> {
                    request.setChunked(true);
                    for (int i = 0; i < 4; i++) {
                        request.write(Buffer.buffer(new byte[600]));
                    }
                    request.end();
                    return request.response();
                })
                .toCompletionStage()
                .toCompletableFuture()
                .get(20, TimeUnit.SECONDS);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.getHeader(ErrorPages.ERROR_HEADER)).isEqualTo("body-too-large");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(upstreamError.get())
                        .isInstanceOfSatisfying(
                                StreamResetException.class,
                                reset -> assertThat(reset.code()).isEqualTo(ResetCode.LIMIT_REACHED)));
        assertThat(upstreamBytes.get())
                .as("nothing past the limit reached the upstream")
                .isLessThanOrEqualTo(1024);
    }

    @Test
    void requestsBeyondTheRateGet429WithRetryAfter() {
        String host = connect("busy-rate");
        agent.serving(Upstreams.respond(200, "served"));
        Visitor visitor = new Visitor(vertx, GatewayPortResource.port());
        assertThat(visitor.get(host, "/").status()).isEqualTo(200);
        Visitor.Reply refused = null;
        for (int i = 0; i < 5 && refused == null; i++) {
            Visitor.Reply reply = visitor.get(host, "/");
            refused = reply.status() == 429 ? reply : null;
        }
        assertThat(refused)
                .as("one request per second: a quick second one is refused")
                .isNotNull();
        assertThat(refused.header(ErrorPages.ERROR_HEADER)).isEqualTo("rate-limited");
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(redis.xrange(List.of("porthole:events", "-", "+"))
                                .toCompletionStage()
                                .toCompletableFuture()
                                .get(5, TimeUnit.SECONDS)
                                .toString())
                        .as("a limit.hit event on the event stream")
                        .contains("limit.hit")
                        .contains("busy-rate")
                        .contains("requests-per-second"));
    }

    @Test
    void aTunnelServesAtMostItsStreamsAtOnceAndFreesThemWhenTheyEnd() throws Exception {
        LimitSettings configured = policy.current();
        policy.apply(new LimitSettings(0, 0, 0, 0, 2, 0, configured.maxBodySize()));
        try {
            String host = connect("busy-streams");
            agent.serving(Upstreams.silent());
            HttpClient client = vertx.createHttpClient();
            List<CompletableFuture<Integer>> hanging = List.of(pending(client, host), pending(client, host));
            await().atMost(Duration.ofSeconds(10)).until(() -> agent.opened.size() == 2);

            Visitor visitor = new Visitor(vertx, GatewayPortResource.port());
            Visitor.Reply refused = visitor.get(host, "/third");
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.header(ErrorPages.ERROR_HEADER)).isEqualTo("tunnel-busy");
            assertThat(agent.opened).hasSize(2);

            agent.serving(Upstreams.respond(200, "served"));
            for (CompletableFuture<Integer> request : hanging) {
                assertThat(request.get(20, TimeUnit.SECONDS))
                        .as("the silent upstream times out")
                        .isEqualTo(504);
            }
            assertThat(visitor.get(host, "/after").status()).isEqualTo(200);
        } finally {
            policy.apply(configured);
        }
    }

    @Test
    void aPrivateTunnelTakesAtMostItsStreamsAtOnce() throws Exception {
        LimitSettings configured = policy.current();
        policy.apply(new LimitSettings(0, 0, 0, 0, 2, 0, configured.maxBodySize()));
        TestAgent dialer = null;
        try {
            agent = TestAgent.connect(
                            vertx,
                            GatewayPortResource.port(),
                            TOKEN,
                            "agent-private-busy",
                            List.of(new TunnelRequest(TunnelKind.TCP, "busy-db", 0, true, "127.0.0.1:5432")))
                    .serving(Upstreams.silent());
            assertThat(agent.awaitWelcome().tunnels().getFirst().granted()).isTrue();
            dialer = TestAgent.connect(
                    vertx,
                    GatewayPortResource.port(),
                    "Bearer second-token-0123456789",
                    "agent-dialer-busy",
                    List.of());
            dialer.awaitWelcome();
            TestAgent dialing = dialer;
            MuxStream first = dialer.dial("busy-db");
            MuxStream second = dialer.dial("busy-db");
            first.write(Buffer.buffer("1"));
            second.write(Buffer.buffer("2"));
            await().atMost(Duration.ofSeconds(10)).until(() -> agent.opened.size() == 2);

            CompletableFuture<Throwable> refused = new CompletableFuture<>();
            dialer.dial("busy-db").exceptionHandler(refused::complete).write(Buffer.buffer("3"));
            assertThat(refused.get(10, TimeUnit.SECONDS))
                    .isInstanceOfSatisfying(
                            StreamResetException.class,
                            reset -> assertThat(reset.code()).isEqualTo(ResetCode.LIMIT_REACHED))
                    .hasMessageContaining("2 connections open");
            assertThat(agent.opened).hasSize(2);

            first.reset(ResetCode.CANCEL, "done");
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                MuxStream again = dialing.dial("busy-db");
                again.write(Buffer.buffer("4"));
                return agent.opened.size() == 3;
            });
        } finally {
            if (dialer != null) {
                dialer.close();
            }
            policy.apply(configured);
        }
    }

    private static CompletableFuture<Integer> pending(HttpClient client, String host) {
        RequestOptions options = new RequestOptions()
                .setHost("127.0.0.1")
                .setPort(GatewayPortResource.port())
                .setURI("/slow")
                .putHeader("Host", host);
        return client.request(options)
                .compose(request -> request.send())
                .map(HttpClientResponse::statusCode)
                .toCompletionStage()
                .toCompletableFuture();
    }
}
