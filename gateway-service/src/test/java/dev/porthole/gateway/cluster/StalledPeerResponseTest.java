package dev.porthole.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porthole.gateway.registry.Route;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles.ClusterMemberShortIdle;
import dev.porthole.gateway.support.Visitor;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A peer gateway that sends a response head and part of the body, then nothing more, while the
 * visitor keeps its own connection busy with a slow upload (so the visitor's idle timeout never
 * fires): the forwarding gateway's idle timeout on what the peer sends (two seconds here) cuts the
 * forwarded response and the visitor's connection, instead of holding the visitor for ever.
 */
@QuarkusTest
@TestProfile(ClusterMemberShortIdle.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class StalledPeerResponseTest {

    @Inject
    Vertx vertx;

    @Inject
    RedisAPI redis;

    private final CompletableFuture<Void> peerConnectionClosed = new CompletableFuture<>();
    private HttpServer peer;

    @BeforeEach
    void startStallingPeer() throws Exception {
        peer = vertx.createHttpServer()
                .requestHandler(request -> {
                    request.connection().closeHandler(ignored -> peerConnectionClosed.complete(null));
                    request.handler(bytes -> {});
                    request.response().setChunked(true).write("first part of the body\n");
                })
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        set("porthole:route:http:{stalled}", new Route("gw-b", "s-stalled", "client-1", "agent-1").toJson());
        set("porthole:gateway:gw-b", "127.0.0.1:" + peer.actualPort());
    }

    @AfterEach
    void stopPeer() throws Exception {
        peer.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void cutsAForwardedResponseWhosePeerStopsSendingMidBody() throws Exception {
        Visitor visitor = new Visitor(vertx, GatewayPortResource.port());
        CompletableFuture<Integer> status = new CompletableFuture<>();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost("127.0.0.1")
                .setPort(GatewayPortResource.port())
                .setURI("/download")
                .putHeader("Host", "stalled.porthole.test:" + GatewayPortResource.port());
        long started = System.nanoTime();

        assertThatThrownBy(() ->
                        visitor.<Buffer>call(http -> http.request(options).compose(request -> {
                            request.setChunked(true);
                            // Uploads a few bytes every 300 ms until the exchange ends (at the latest when the visitor
                            // gives up after 20 s).
                            long trickle = vertx.setPeriodic(300, id -> request.write("x"));
                            request.sendHead();
                            return request.response()
                                    .compose(response -> {
                                        status.complete(response.statusCode());
                                        return response.body();
                                    })
                                    .onComplete(ignored -> vertx.cancelTimer(trickle));
                        })))
                .as("the body never completes: the connection is cut")
                .isInstanceOf(ExecutionException.class);

        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(status.getNow(-1))
                .as("the head was relayed before the peer stalled")
                .isEqualTo(200);
        assertThat(millis)
                .as("cut by the two-second idle timeout, not by the visitor's own wait")
                .isLessThan(15_000);
        peerConnectionClosed.get(10, TimeUnit.SECONDS);
    }

    private void set(String key, String value) throws Exception {
        redis.set(List.of(key, value, "PX", "60000"))
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
    }
}
