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
import io.vertx.core.impl.VertxInternal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
        int upstreamPort = listen(service);
        HttpUpstream upstream = new HttpUpstream(vertx, 4, Duration.ofSeconds(5), (t, m, u, s, d) -> {});
        TunnelSpec tunnel = TunnelSpec.http("127.0.0.1:" + upstreamPort, name, options);
        return new Opened(connect(vertx, upstream, tunnel), upstreamPort);
    }

    /**
     * Starts {@code service} on loopback and opens {@code count} tunnel connections to it, as a pool's lanes
     * are: one {@link HttpUpstream} serves them all, each agent session on an event loop of its own. The
     * result is the gateway's sessions, in order.
     */
    static List<MuxSession> openLanes(
            Vertx vertx, HttpServer service, String name, UpstreamHttpOptions options, int count) throws Exception {
        int upstreamPort = listen(service);
        HttpUpstream upstream = new HttpUpstream(vertx, 4, Duration.ofSeconds(5), (t, m, u, s, d) -> {});
        TunnelSpec tunnel = TunnelSpec.http("127.0.0.1:" + upstreamPort, name, options);
        List<MuxSession> lanes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lanes.add(connect(vertx, upstream, tunnel, ((VertxInternal) vertx).createEventLoopContext()));
        }
        return lanes;
    }

    private static int listen(HttpServer service) throws Exception {
        return service.listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .actualPort();
    }

    /** Connects the two sides; the result is the gateway's session. */
    private static MuxSession connect(Vertx vertx, HttpUpstream upstream, TunnelSpec tunnel) throws Exception {
        return connect(vertx, upstream, tunnel, vertx.getOrCreateContext());
    }

    /** The same, with the agent's session on {@code agentContext}. */
    private static MuxSession connect(Vertx vertx, HttpUpstream upstream, TunnelSpec tunnel, Context agentContext)
            throws Exception {
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
