package dev.porthole.agent.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.protocol.message.Capabilities;
import dev.porthole.protocol.message.ConnectionMessage;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.message.HttpResponseHead;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.mux.MuxListener;
import dev.porthole.protocol.mux.MuxSession;
import dev.porthole.protocol.mux.MuxSettings;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.protocol.mux.WebSocketTransport;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --upstream-protocol h2c}: the agent speaks HTTP/2 with prior knowledge to the local service,
 * streams the request body to it, and sends its response trailers (gRPC's status) back in a
 * TRAILERS frame, over a real tunnel connection between two mux sessions.
 */
class Http2UpstreamTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anH2cUpstreamsTrailersComeBackThroughTheTunnel() throws Exception {
        CompletableFuture<String> seenByUpstream = new CompletableFuture<>();
        int upstreamPort = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true))
                .requestHandler(request -> request.body().onSuccess(body -> {
                    seenByUpstream.complete(request.version() + " " + request.authority() + " te="
                            + request.getHeader("te") + " " + body);
                    request.response().putHeader("content-type", "application/grpc");
                    request.response().trailers().add("grpc-status", "5").add("grpc-message", "not found");
                    request.response().end("pong");
                }))
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .actualPort();

        HttpUpstream upstream = new HttpUpstream(vertx, 4, Duration.ofSeconds(5), (t, m, u, s, d) -> {});
        TunnelSpec tunnel = TunnelSpec.http(
                "127.0.0.1:" + upstreamPort,
                "grpc",
                UpstreamHttpOptions.of(null, null, false, true, "h2c", option -> "--" + option));

        CompletableFuture<MuxSession> gatewaySide = new CompletableFuture<>();
        int gatewayPort = vertx.createHttpServer()
                .webSocketHandler(socket -> {
                    MuxSession mux = session(Vertx.currentContext(), socket, MuxSession.Role.GATEWAY, new Quiet());
                    gatewaySide.complete(mux);
                })
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .actualPort();
        WebSocket socket = vertx.createWebSocketClient(new WebSocketClientOptions())
                .connect(new WebSocketConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(gatewayPort)
                        .setURI("/"))
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        Context agentContext = vertx.getOrCreateContext();
        agentContext.runOnContext(ignored -> session(agentContext, socket, MuxSession.Role.AGENT, new Quiet() {
            @Override
            public void onOpen(MuxStream stream, Open open) {
                upstream.accept(stream, open, tunnel);
            }
        }));
        MuxSession gateway = gatewaySide.get(10, TimeUnit.SECONDS);

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

    private static MuxSession session(
            Context context, WebSocketBase socket, MuxSession.Role role, MuxListener listener) {
        MuxSession mux = new MuxSession(context, new WebSocketTransport(socket), MuxSettings.DEFAULTS, role);
        mux.listener(listener);
        try {
            mux.peerLimits(MuxSettings.DEFAULT_INITIAL_WINDOW, 65536);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        mux.agreedCapabilities(Set.of(Capabilities.TRAILERS));
        WebSocketTransport.bind(socket, mux);
        return mux;
    }

    /** Takes no streams and ignores connection messages. */
    private static class Quiet implements MuxListener {
        @Override
        public void onMessage(ConnectionMessage message) {}

        @Override
        public void onOpen(MuxStream stream, Open open) {}

        @Override
        public void onClosed(int code, String reason) {}
    }
}
