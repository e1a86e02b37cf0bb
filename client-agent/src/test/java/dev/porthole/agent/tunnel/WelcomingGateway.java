package dev.porthole.agent.tunnel;

import dev.porthole.protocol.ProtocolVersion;
import dev.porthole.protocol.message.ConnectionMessage;
import dev.porthole.protocol.message.Hello;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.protocol.message.Welcome;
import dev.porthole.protocol.mux.MuxListener;
import dev.porthole.protocol.mux.MuxSession;
import dev.porthole.protocol.mux.MuxSettings;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.protocol.mux.WebSocketTransport;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The gateway's side of a session, for the agent's tests: answers HELLO with a WELCOME that
 * grants {@code results}, after {@code beforeWelcome} (what a gateway may send first), and refuses
 * the agent's own streams.
 */
public record WelcomingGateway(MuxSession mux, List<TunnelResult> results, Consumer<MuxSession> beforeWelcome)
        implements MuxListener {

    WelcomingGateway(MuxSession mux, List<TunnelResult> results) {
        this(mux, results, first -> {});
    }

    /**
     * A WebSocket server on a free port of 127.0.0.1 whose every connection is a gateway session
     * served by {@code listener}; returns the port.
     */
    public static int listen(Vertx vertx, Function<MuxSession, MuxListener> listener) throws Exception {
        return listen(vertx, (mux, upgrade) -> listener.apply(mux));
    }

    /** The same, giving {@code listener} each connection's upgrade request headers too. */
    public static int listen(Vertx vertx, BiFunction<MuxSession, MultiMap, MuxListener> listener) throws Exception {
        return vertx.createHttpServer(
                        new HttpServerOptions().setMaxWebSocketFrameSize(65536).setMaxWebSocketMessageSize(65536))
                .webSocketHandler(socket -> {
                    MuxSession mux = new MuxSession(
                            Vertx.currentContext(),
                            new WebSocketTransport(socket),
                            MuxSettings.DEFAULTS,
                            MuxSession.Role.GATEWAY);
                    mux.listener(listener.apply(mux, socket.headers()));
                    WebSocketTransport.bind(socket, mux);
                })
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .actualPort();
    }

    /** Grants every tunnel HELLO asks for: a random name becomes {@code granted-<i>}, a TCP tunnel port 20000. */
    public static List<TunnelResult> grantAll(Hello hello) {
        List<TunnelResult> results = new ArrayList<>();
        for (int i = 0; i < hello.tunnels().size(); i++) {
            TunnelRequest request = hello.tunnels().get(i);
            String name = request.name().isEmpty() ? "granted-" + i : request.name();
            results.add(TunnelResult.granted(
                    request.kind(), name, request.kind() == TunnelKind.TCP ? 20000 : 0, "somewhere"));
        }
        return results;
    }

    /** Takes the window and frame size the agent's HELLO offers, as a gateway does before it answers. */
    public static void takeLimits(MuxSession mux, Hello hello) {
        try {
            mux.peerLimits(hello.initialWindow(), hello.maxFrameSize());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void onMessage(ConnectionMessage message) {
        if (message instanceof Hello hello) {
            takeLimits(mux, hello);
            beforeWelcome.accept(mux);
            mux.send(new Welcome(
                    ProtocolVersion.MAX, "s-test", Set.of(), MuxSettings.DEFAULT_INITIAL_WINDOW, 65536, results));
        }
    }

    @Override
    public void onOpen(MuxStream stream, Open open) {
        stream.reset(ResetCode.FORBIDDEN, "not in this test");
    }

    @Override
    public void onClosed(int code, String reason) {}
}
