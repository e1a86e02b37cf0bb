package dev.porthole.agent.upstream;

import static java.util.stream.Collectors.toSet;
import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.message.HttpResponseHead;
import dev.porthole.protocol.mux.MuxSession;
import dev.porthole.protocol.mux.MuxStream;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's HTTP client between a real tunnel connection (two mux sessions) and a local service:
 * with {@code --upstream-protocol h2c} it speaks HTTP/2 with prior knowledge, streams the request
 * body and sends the response trailers (gRPC's status) back in a TRAILERS frame; from an HTTP/1.1
 * service a large body crosses whole, in frames as large as the agent's socket reads rather than in
 * Netty's default 8 KiB chunks, so that a download costs per read, not per 8 KiB, on both sides.
 */
class UpstreamThroughTunnelTest {

    private static final int NETTY_DEFAULT_CHUNK = 8192;

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anH2cUpstreamsTrailersComeBackThroughTheTunnel() throws Exception {
        CompletableFuture<String> seenByUpstream = new CompletableFuture<>();
        TunnelToUpstream.Opened tunnel = TunnelToUpstream.open(
                vertx,
                vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true))
                        .requestHandler(request -> request.body().onSuccess(body -> {
                            seenByUpstream.complete(request.version() + " " + request.authority() + " te="
                                    + request.getHeader("te") + " " + body);
                            request.response().putHeader("content-type", "application/grpc");
                            request.response()
                                    .trailers()
                                    .add("grpc-status", "5")
                                    .add("grpc-message", "not found");
                            request.response().end("pong");
                        })),
                "grpc",
                UpstreamHttpOptions.of(null, null, false, true, "h2c", option -> "--" + option));
        MuxSession gateway = tunnel.gateway();
        int upstreamPort = tunnel.upstreamPort();

        CompletableFuture<String> answer = new CompletableFuture<>();
        Promise<Void> sent = Promise.promise();
        gateway.context().runOnContext(ignored -> {
            MuxStream stream = gateway.openStream(
                    "grpc",
                    "192.0.2.1",
                    new HttpRequestHead(
                            "POST",
                            "/pkg.Service/Find",
                            List.of(
                                    new Header("Host", "grpc.example.com"),
                                    new Header("Content-Type", "application/grpc"),
                                    new Header("TE", "trailers"),
                                    new Header("Transfer-Encoding", "chunked"))));
            StringBuilder body = new StringBuilder();
            HttpResponseHead[] head = new HttpResponseHead[1];
            stream.responseHandler(h -> head[0] = h);
            stream.handler(data -> body.append(data));
            stream.endHandler(end -> answer.complete(head[0].status() + " " + body + " " + stream.trailers()));
            stream.exceptionHandler(answer::completeExceptionally);
            stream.write(Buffer.buffer("find me"));
            stream.end().onComplete(sent);
        });

        assertThat(seenByUpstream.get(10, TimeUnit.SECONDS))
                .isEqualTo("HTTP_2 grpc.example.com:" + upstreamPort + " te=trailers find me");
        assertThat(answer.get(10, TimeUnit.SECONDS))
                .isEqualTo("200 pong [Header[name=grpc-status, value=5], Header[name=grpc-message, value=not found]]");
    }

    @Test
    void eachLanesRequestsReachTheLocalServiceOverConnectionsOnTheLanesOwnEventLoop() throws Exception {
        // The local port of the connection each request came in on, by lane.
        List<String> seen = new CopyOnWriteArrayList<>();
        List<MuxSession> lanes = TunnelToUpstream.openLanes(
                vertx,
                vertx.createHttpServer().requestHandler(request -> {
                    seen.add(request.getHeader("x-lane") + "@"
                            + request.connection().remoteAddress().port());
                    request.response().end("ok");
                }),
                "app",
                UpstreamHttpOptions.of(null, null, option -> "--" + option),
                2);

        // One request at a time, in turn: a pooled connection is idle whenever the next request is sent.
        for (int round = 0; round < 3; round++) {
            for (int lane = 0; lane < lanes.size(); lane++) {
                assertThat(get(lanes.get(lane), "app", lane)).isEqualTo("200 ok");
            }
        }

        assertThat(seen).hasSize(6);
        Set<String> lane0 = seen.stream()
                .filter(s -> s.startsWith("0@"))
                .map(s -> s.substring(2))
                .collect(toSet());
        Set<String> lane1 = seen.stream()
                .filter(s -> s.startsWith("1@"))
                .map(s -> s.substring(2))
                .collect(toSet());
        assertThat(lane0).as("lane 0's connections, of %s", seen).hasSize(1);
        assertThat(lane1).as("lane 1's connections, of %s", seen).hasSize(1).doesNotContainAnyElementsOf(lane0);
    }

    /** Sends a GET through the gateway's side of a tunnel; its status and body. */
    private static String get(MuxSession gateway, String tunnel, int lane) throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        gateway.context().runOnContext(ignored -> {
            MuxStream stream = gateway.openStream(
                    tunnel,
                    "192.0.2.1",
                    new HttpRequestHead(
                            "GET", "/", List.of(new Header("Host", tunnel), new Header("X-Lane", "" + lane))));
            StringBuilder body = new StringBuilder();
            HttpResponseHead[] head = new HttpResponseHead[1];
            stream.responseHandler(h -> head[0] = h);
            stream.handler(data -> body.append(data));
            stream.endHandler(end -> answer.complete(head[0].status() + " " + body));
            stream.exceptionHandler(answer::completeExceptionally);
            stream.end();
        });
        return answer.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aLargeBodyArrivesWholeInFramesLargerThanEightKibibytes() throws Exception {
        byte[] bytes = new byte[4 * 1024 * 1024];
        new Random(7).nextBytes(bytes);
        Buffer body = Buffer.buffer(bytes);
        MuxSession gateway = TunnelToUpstream.open(
                        vertx,
                        vertx.createHttpServer()
                                .requestHandler(request -> request.response().end(body)),
                        "files",
                        UpstreamHttpOptions.of(null, null, option -> "--" + option))
                .gateway();

        List<Integer> frames = new CopyOnWriteArrayList<>();
        CompletableFuture<Buffer> received = new CompletableFuture<>();
        gateway.context().runOnContext(ignored -> {
            MuxStream stream = gateway.openStream(
                    "files", "192.0.2.1", new HttpRequestHead("GET", "/big", List.of(new Header("Host", "files"))));
            Buffer all = Buffer.buffer(bytes.length);
            stream.handler(data -> {
                frames.add(data.length());
                all.appendBuffer(data);
            });
            stream.endHandler(end -> received.complete(all));
            stream.exceptionHandler(received::completeExceptionally);
            stream.end();
        });

        assertThat(received.get(20, TimeUnit.SECONDS)).isEqualTo(body);
        assertThat(frames.stream().mapToInt(Integer::intValue).max().orElseThrow())
                .as("largest DATA payload of %d", frames.size())
                .isGreaterThan(NETTY_DEFAULT_CHUNK);
    }
}
