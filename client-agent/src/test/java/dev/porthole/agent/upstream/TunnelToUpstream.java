package dev.porthole.agent.upstream;

import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.protocol.message.Capabilities;
import dev.porthole.protocol.message.ConnectionMessage;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.mux.MuxListener;
import dev.porthole.protocol.mux.MuxSession;
import dev.porthole.protocol.mux.MuxSettings;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.protocol.mux.WebSocketTransport;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real tunnel connection between two mux sessions on loopback, with the agent's side serving every
 * stream through {@link HttpUpstream}: what the returned gateway session opens reaches the local
 * service as the agent would send it, and comes back frame by frame.
 */
final class TunnelToUpstream {

    private TunnelToUpstream() {}

    /** The gateway's side of the tunnel, and the port the local service listens on. */
    record Opened(MuxSession gateway, int upstreamPort) {}

    /** Starts {@code service} on loopback and opens the tunnel {@code name} to it. */
    static Opened open(Vertx vertx, HttpServer service, String name, UpstreamHttpOptions options) throws Exception {
        int upstreamPort = service.listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .actualPort();
        HttpUpstream upstream = new HttpUpstream(vertx, 4, Duration.ofSeconds(5), (t, m, u, s, d) -> {});
        TunnelSpec tunnel = TunnelSpec.http("127.0.0.1:" + upstreamPort, name, options);
        return new Opened(connect(vertx, upstream, tunnel), upstreamPort);
    }

    /** Connects the two sides; the result is the gateway's session. */
    private static MuxSession connect(Vertx vertx, HttpUpstream upstream, TunnelSpec tunnel) throws Exception {
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
        return gatewaySide.get(10, TimeUnit.SECONDS);
    }

    private static MuxSession session(
            Context context, WebSocketBase socket, MuxSession.Role role, MuxListener listener) {
        MuxSession mux = new MuxSession(context, new WebSocketTransport(socket), MuxSettings.DEFAULTS, role);
        mux.listener(listener);
        try {
            // Vert.x's default WebSocket frame limit, which these plain sockets keep.
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
