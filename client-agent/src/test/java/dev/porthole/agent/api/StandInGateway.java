package dev.porthole.agent.api;

import dev.porthole.agent.tunnel.WelcomingGateway;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.ProtocolVersion;
import dev.porthole.protocol.message.ConnectionMessage;
import dev.porthole.protocol.message.GoAway;
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
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gateway as far as an agent can tell, speaking the real tunnel protocol: it grants every tunnel
 * asked for (except names in {@code refusals}, refused with their reason), and keeps the session so
 * that a test opens visitors' streams on it.
 */
final class StandInGateway implements AutoCloseable {

    static final int TCP_PORT = 20_000;

    private final Vertx vertx = Vertx.vertx();
    private final Map<String, String> refusals;
    private final int port;
    /** Every session welcomed, in order. */
    private final BlockingQueue<MuxSession> welcomes = new LinkedBlockingQueue<>();

    private MuxSession current;
    /** How many more HELLOs to refuse for now (503, then TRY_AGAIN_LATER), as a gateway without its registry does. */
    private final AtomicInteger refusalsForNow = new AtomicInteger();

    final CompletableFuture<GoAway> goAway = new CompletableFuture<>();
    final CompletableFuture<String> closed = new CompletableFuture<>();

    StandInGateway(Map<String, String> refusals) throws Exception {
        this.refusals = refusals;
        this.port = WelcomingGateway.listen(vertx, Session::new);
    }

    StandInGateway() throws Exception {
        this(Map.of());
    }

    /** Refuses the next {@code hellos} handshakes' tunnels for now, then grants again. */
    StandInGateway refusingForNow(int hellos) {
        refusalsForNow.set(hellos);
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The agent's session once it was welcomed. */
    synchronized MuxSession session() throws Exception {
        if (current == null) {
            current = nextSession();
        }
        return current;
    }

    /** The agent's next session (after it reconnected). */
    synchronized MuxSession nextSession() throws Exception {
        MuxSession next = welcomes.poll(10, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("no agent session was welcomed within 10 s");
        }
        current = next;
        return next;
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private final class Session implements MuxListener {
        private final MuxSession mux;

        Session(MuxSession mux) {
            this.mux = mux;
        }

        @Override
        public void onMessage(ConnectionMessage message) {
            switch (message) {
                case Hello hello -> onHello(hello);
                case GoAway away -> goAway.complete(away);
                default -> {}
            }
        }

        private void onHello(Hello hello) {
            WelcomingGateway.takeLimits(mux, hello);
            if (refusalsForNow.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                List<TunnelResult> notNow = hello.tunnels().stream()
                        .map(request -> TunnelResult.refused(
                                request, TunnelResult.UNAVAILABLE, "the tunnel registry is unavailable right now"))
                        .toList();
                welcome(notNow);
                mux.close(CloseCode.TRY_AGAIN_LATER, "nothing can be granted right now");
                return;
            }
            List<TunnelResult> results = new ArrayList<>();
            for (TunnelRequest request : hello.tunnels()) {
                String refusal = refusals.get(request.name());
                if (refusal != null) {
                    results.add(TunnelResult.refused(request, TunnelResult.CONFLICT, refusal));
                } else if (request.kind() == TunnelKind.TCP) {
                    results.add(TunnelResult.granted(
                            TunnelKind.TCP, "tcp-" + TCP_PORT, TCP_PORT, "tcp://porthole.test:" + TCP_PORT));
                } else {
                    String name = request.name().isEmpty() ? "random-name" : request.name();
                    results.add(TunnelResult.granted(TunnelKind.HTTP, name, 0, "http://" + name + ".porthole.test"));
                }
            }
            welcome(results);
            if (results.stream().noneMatch(TunnelResult::granted)) {
                mux.close(CloseCode.NO_TUNNELS, "no tunnel granted");
                return;
            }
            welcomes.add(mux);
        }

        private void welcome(List<TunnelResult> results) {
            mux.send(new Welcome(
                    ProtocolVersion.MAX, "s-listener", Set.of(), MuxSettings.DEFAULT_INITIAL_WINDOW, 65536, results));
        }

        @Override
        public void onOpen(MuxStream stream, Open open) {
            stream.reset(ResetCode.FORBIDDEN, "not in this test");
        }

        @Override
        public void onClosed(int code, String reason) {
            closed.complete(code + " " + reason);
        }
    }
}
