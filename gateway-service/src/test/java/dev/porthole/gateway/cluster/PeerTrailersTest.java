package dev.porthole.gateway.cluster;

import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porthole.gateway.registry.Route;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles.ClusterMember;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.gateway.support.Upstreams;
import dev.porthole.gateway.support.Visitor;
import dev.porthole.protocol.message.Header;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Response trailers (gRPC's {@code grpc-status}) cross the hop between gateways: the instance a
 * visitor reached puts the holding instance's trailers on the visitor's response, HTTP/1.1 or h2,
 * checked like an agent's; the holding instance sends its agent's trailers in the last chunk.
 */
@QuarkusTest
@TestProfile(ClusterMember.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class PeerTrailersTest {

    @Inject
    Vertx vertx;

    @Inject
    RedisAPI redis;

    /** The holding instance: a chunked answer whose trailers are the request's {@code X-Send-Trailer} headers. */
    private HttpServer peer;

    private TestAgent agent;

    @BeforeEach
    void startPeer() throws Exception {
        peer = vertx.createHttpServer()
                .requestHandler(request -> request.body().onSuccess(body -> {
                    var response = request.response()
                            .putHeader("Content-Type", "application/grpc")
                            .setChunked(true);
                    request.headers().getAll("X-Send-Trailer").forEach(field -> {
                        String[] parts = field.split("=", 2);
                        response.trailers().add(parts[0], parts[1]);
                    });
                    response.end("reply to " + body);
                }))
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        set("porthole:route:http:{grpc-far}", new Route("gw-b", "s-grpc-far", "client-1", "agent-1").toJson());
        set("porthole:gateway:gw-b", "127.0.0.1:" + peer.actualPort());
    }

    @AfterEach
    void stop() throws Exception {
        peer.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        TestAgent.closeAndAwait(agent);
    }

    @Test
    void givesAnHttp11VisitorTheHoldingInstancesTrailers() throws Exception {
        String answer = call(
                new HttpClientOptions(),
                request("grpc-far", "grpc-status=0", "x-checksum=abc"),
                PeerTrailersTest::withTrailers);

        assertThat(answer).isEqualTo("HTTP_1_1 reply to ping grpc-status=0 x-checksum=abc");
    }

    @Test
    void givesAnH2VisitorTheHoldingInstancesTrailers() throws Exception {
        String answer = call(
                new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false),
                request("grpc-far", "grpc-status=0", "x-checksum=abc"),
                PeerTrailersTest::withTrailers);

        assertThat(answer).isEqualTo("HTTP_2 reply to ping grpc-status=0 x-checksum=abc");
    }

    @Test
    void cutsTheResponseWhenTheHoldingInstancesTrailersBreakTheRules() {
        // Set-Cookie is one of the fields a trailer section may not carry; the visitor must not take it as one.
        assertThatThrownBy(() -> call(
                        new HttpClientOptions(),
                        request("grpc-far", "grpc-status=0", "set-cookie=session=stolen"),
                        PeerTrailersTest::withTrailers))
                .as("the response ends without its last chunk, so it does not look complete")
                .isInstanceOf(java.util.concurrent.ExecutionException.class);
    }

    @Test
    void sendsItsAgentsTrailersToTheForwardingInstanceInTheLastChunk() throws Exception {
        agent = TestAgent.connectHttp(vertx, TOKEN, "agent-grpc-near", "grpc-near", TestAgent.WITH_TRAILERS);
        assertThat(agent.awaitWelcome().tunnels().getFirst().granted()).isTrue();
        agent.serving(
                Upstreams.grpc("reply", List.of(new Header("grpc-status", "0"), new Header("x-checksum", "abc"))));
        RequestOptions forwarded = request("grpc-near")
                .putHeader(ClusterMembership.TOKEN_HEADER, ClusterMember.INTERNAL_TOKEN)
                .putHeader(ClusterMembership.HOP_HEADER, "gw-b");

        String answer = call(new HttpClientOptions(), forwarded, PeerTrailersTest::withTrailers);

        assertThat(answer).isEqualTo("HTTP_1_1 reply grpc-status=0 x-checksum=abc");
    }

    /** A gRPC-like POST to {@code tunnel} asking the stand-in holder for these trailer fields ({@code name=value}). */
    private static RequestOptions request(String tunnel, String... trailers) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setServer(SocketAddress.inetSocketAddress(GatewayPortResource.port(), "127.0.0.1"))
                .setHost(tunnel + ".porthole.test")
                .setPort(GatewayPortResource.port())
                .setURI("/pkg.Service/Call")
                .putHeader("Content-Type", "application/grpc")
                .putHeader("TE", "trailers");
        for (String trailer : trailers) {
            options.addHeader("X-Send-Trailer", trailer);
        }
        return options;
    }

    private static Future<String> withTrailers(HttpClientResponse response) {
        return response.body()
                .map(body -> response.version() + " " + body + " grpc-status=" + response.getTrailer("grpc-status")
                        + " x-checksum=" + response.getTrailer("x-checksum")
                        + (response.trailers().contains("set-cookie") ? " set-cookie!" : ""));
    }

    /** One request on a fresh client, run on one context (see {@link Visitor}); waits up to 20 seconds. */
    private String call(
            HttpClientOptions options, RequestOptions request, Function<HttpClientResponse, Future<String>> read)
            throws Exception {
        HttpClient client = vertx.createHttpClient(options);
        CompletableFuture<String> result = new CompletableFuture<>();
        vertx.getOrCreateContext()
                .runOnContext(ignored -> client.request(request)
                        .compose(out -> out.send("ping"))
                        .compose(read)
                        .onComplete(done -> {
                            if (done.succeeded()) {
                                result.complete(done.result());
                            } else {
                                result.completeExceptionally(done.cause());
                            }
                        }));
        try {
            return result.get(20, TimeUnit.SECONDS);
        } finally {
            client.close();
        }
    }

    private void set(String key, String value) throws Exception {
        redis.set(List.of(key, value)).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
