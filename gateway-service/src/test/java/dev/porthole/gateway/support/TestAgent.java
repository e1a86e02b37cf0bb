package dev.porthole.gateway.support;

import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.ProtocolVersion;
import dev.porthole.protocol.frame.ProtocolException;
import dev.porthole.protocol.message.Capabilities;
import dev.porthole.protocol.message.Config;
import dev.porthole.protocol.message.ConnectionMessage;
import dev.porthole.protocol.message.GoAway;
import dev.porthole.protocol.message.Hello;
import dev.porthole.protocol.message.Notice;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.Welcome;
import dev.porthole.protocol.mux.MuxListener;
import dev.porthole.protocol.mux.MuxSession;
import dev.porthole.protocol.mux.MuxSettings;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.protocol.mux.Periodic;
import dev.porthole.protocol.mux.WebSocketTransport;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.impl.WebSocketInternal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * An agent for gateway tests: speaks the real wire protocol over a real WebSocket, and lets each
 * test decide what happens to every stream the gateway opens.
 */
public final class TestAgent implements MuxListener {

    /** The Authorization of the first client the gateway's test profile accepts ({@code %test.porthole.gateway.auth.tokens}). */
    public static final String TOKEN = "Bearer test-token-0123456789";

    /** What an agent offers that relays HTTP trailers (gRPC) besides plain HTTP. */
    public static final Set<String> WITH_TRAILERS =
            Set.of(Capabilities.HTTP, Capabilities.UNMASKED, Capabilities.TRAILERS);

    public final CompletableFuture<Welcome> welcome = new CompletableFuture<>();
    public final CompletableFuture<String> closed = new CompletableFuture<>();
    public final List<Notice> notices = new CopyOnWriteArrayList<>();
    public final List<Config> configs = new CopyOnWriteArrayList<>();
    public final List<Open> opened = new CopyOnWriteArrayList<>();
    private volatile BiConsumer<MuxStream, Open> streams = (stream, open) -> {};
    private volatile MuxSession session;
    private volatile WebSocket socket;
    private volatile int closeCode = -1;
    private volatile WebSocketTransport transport;
    private volatile Vertx vertx;

    /** Connects, sends HELLO asking for these tunnels, and returns without waiting for WELCOME. */
    public static TestAgent connect(
            Vertx vertx, int port, String authorization, String agentId, List<TunnelRequest> tunnels) {
        return connect(vertx, port, authorization, agentId, tunnels, Dial.CURRENT);
    }

    /**
     * Connects to the gateway under test ({@link GatewayPortResource}) asking for one HTTP tunnel,
     * {@code subdomain}, to a local target nobody dials; returns without waiting for WELCOME.
     */
    public static TestAgent connectHttp(Vertx vertx, String authorization, String agentId, String subdomain) {
        return connect(
                vertx,
                GatewayPortResource.port(),
                authorization,
                agentId,
                List.of(TunnelRequest.http(subdomain, "x:1")));
    }

    /** The same, offering {@code caps} in HELLO. */
    public static TestAgent connectHttp(
            Vertx vertx, String authorization, String agentId, String subdomain, Set<String> caps) {
        List<TunnelRequest> tunnels = List.of(TunnelRequest.http(subdomain, "x:1"));
        return connect(vertx, GatewayPortResource.port(), authorization, agentId, tunnels, caps);
    }

    /** Connects offering {@code caps} in HELLO ({@code ha}: one of an agent's HA connections; without {@code unmasked}, an agent that masks every frame). */
    public static TestAgent connect(
            Vertx vertx,
            int port,
            String authorization,
            String agentId,
            List<TunnelRequest> tunnels,
            Set<String> caps) {
        Dial dial = new Dial(null, ProtocolVersion.MIN, ProtocolVersion.MAX, caps, null);
        return connect(vertx, port, authorization, agentId, tunnels, dial);
    }

    /** Connects from the local address {@code from} (any of 127.0.0.0/8 on Linux), so that the gateway sees another source address. */
    public static TestAgent connectFrom(
            Vertx vertx, String from, int port, String agentId, List<TunnelRequest> tunnels) {
        Dial dial = new Dial(from, ProtocolVersion.MIN, ProtocolVersion.MAX, Dial.CURRENT.capabilities(), null);
        return connect(vertx, port, null, agentId, tunnels, dial);
    }

    /** Connects as an agent older than unmasked frames: it does not offer the capability and masks every frame. */
    public static TestAgent connectMasked(
            Vertx vertx, int port, String authorization, String agentId, List<TunnelRequest> tunnels) {
        return connect(vertx, port, authorization, agentId, tunnels, Set.of("http"));
    }

    /** Connects over TLS (a gateway with TLS on its public port), trusting the CA in {@code caFile}. */
    public static TestAgent connectTls(
            Vertx vertx, int port, String authorization, String agentId, List<TunnelRequest> tunnels, Path caFile) {
        Dial dial = new Dial(null, ProtocolVersion.MIN, ProtocolVersion.MAX, Dial.CURRENT.capabilities(), caFile);
        return connect(vertx, port, authorization, agentId, tunnels, dial);
    }

    /**
     * What an agent's connection differs in besides who it is and what it asks for: the local
     * address it comes from (null: the default), the versions and capabilities its HELLO offers,
     * and the CA it trusts for TLS (null: plain HTTP).
     */
    public record Dial(String from, int minVersion, int maxVersion, Set<String> capabilities, Path caFile) {
        /** A current agent's: from the default address, every version, {@code http} and {@code unmasked}, no TLS. */
        public static final Dial CURRENT =
                new Dial(null, ProtocolVersion.MIN, ProtocolVersion.MAX, Set.of("http", Capabilities.UNMASKED), null);

        /** A current agent's, but offering only the protocol versions {@code min} to {@code max}. */
        public static Dial speaking(int min, int max) {
            return new Dial(null, min, max, CURRENT.capabilities(), null);
        }
    }

    /** Connects as {@code dial} says. */
    public static TestAgent connect(
            Vertx vertx, int port, String authorization, String agentId, List<TunnelRequest> tunnels, Dial dial) {
        return connect(vertx, port, authorization, agentId, tunnels, dial, null);
    }

    /** Connects as lane {@code lane} of an agent's pool: {@code X-Porthole-Lane} and {@code http}, {@code ha}, {@code pool}. */
    public static TestAgent connectLane(
            Vertx vertx, int port, String authorization, String agentId, List<TunnelRequest> tunnels, int lane) {
        Set<String> caps = Set.of(Capabilities.HTTP, Capabilities.HA, Capabilities.POOL, Capabilities.UNMASKED);
        Dial dial = new Dial(null, ProtocolVersion.MIN, ProtocolVersion.MAX, caps, null);
        return connect(vertx, port, authorization, agentId, tunnels, dial, String.valueOf(lane));
    }

    private static TestAgent connect(
            Vertx vertx,
            int port,
            String authorization,
            String agentId,
            List<TunnelRequest> tunnels,
            Dial dial,
            String lane) {
        TestAgent agent = new TestAgent();
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI("/_porthole/agent")
                .addHeader("X-Porthole-Agent", agentId);
        if (lane != null) {
            options.addHeader("X-Porthole-Lane", lane);
        }
        if (authorization != null) {
            options.addHeader("Authorization", authorization);
        }
        WebSocketClientOptions client = new WebSocketClientOptions()
                .setMaxFrameSize(65536)
                .setMaxMessageSize(65536)
                .setLocalAddress(dial.from());
        if (dial.caFile() != null) {
            options.setSsl(true);
            client.setSsl(true)
                    .setVerifyHost(false)
                    .setTrustOptions(new io.vertx.core.net.PemTrustOptions()
                            .addCertPath(dial.caFile().toString()));
        }
        WebSocket socket = join(vertx.createWebSocketClient(client)
                .connect(options)
                .toCompletionStage()
                .toCompletableFuture());
        agent.socket = socket;
        agent.vertx = vertx;
        CompletableFuture<Void> ready = new CompletableFuture<>();
        io.vertx.core.Context context = vertx.getOrCreateContext();
        context.runOnContext(ignored -> {
            WebSocketTransport transport = new WebSocketTransport(socket);
            agent.transport = transport;
            MuxSession session = new MuxSession(context, transport, MuxSettings.DEFAULTS, MuxSession.Role.AGENT);
            session.listener(agent);
            WebSocketTransport.bind(socket, session);
            agent.session = session;
            session.send(new Hello(
                    dial.minVersion(),
                    dial.maxVersion(),
                    "test",
                    agentId,
                    dial.capabilities(),
                    MuxSettings.DEFAULT_INITIAL_WINDOW,
                    65536,
                    tunnels));
            ready.complete(null);
        });
        join(ready);
        return agent;
    }

    /** The upgrade status the gateway answered when it refused the agent, with its body. */
    public static UpgradeRejectedException rejection(Vertx vertx, int port, String authorization) {
        return rejection(vertx, null, port, authorization);
    }

    /** The same, connecting from the local address {@code from} (null: the default). */
    public static UpgradeRejectedException rejection(Vertx vertx, String from, int port, String authorization) {
        WebSocketConnectOptions options =
                new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/_porthole/agent");
        if (authorization != null) {
            options.addHeader("Authorization", authorization);
        }
        try {
            vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress(from))
                    .connect(options)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e.getCause() instanceof UpgradeRejectedException rejected) {
                return rejected;
            }
            throw new AssertionError("expected an upgrade rejection, got " + e, e);
        }
        throw new AssertionError("the gateway accepted the agent");
    }

    /** Starts this side's heartbeat (a PING every 50 ms); {@link #roundTrip()} turns non-negative at the first PONG. */
    public void startHeartbeat() {
        session.startHeartbeat(Periodic.timersOf(vertx), Duration.ofMillis(50), Duration.ofSeconds(30));
    }

    public Duration roundTrip() {
        return session.roundTrip();
    }

    /** Whether this agent masks the frames it sends. */
    public boolean masked() {
        return transport.masked();
    }

    /** What to do with each stream the gateway opens from now on. */
    public TestAgent serving(BiConsumer<MuxStream, Open> handler) {
        this.streams = handler;
        return this;
    }

    /** Opens a stream to the gateway, as {@code porthole connect} does to dial a private tunnel. */
    public MuxStream dial(String tunnel) {
        return session.openStream(tunnel, "127.0.0.1:1", null);
    }

    /** Opens a dial of a private UDP tunnel, as {@code porthole connect NAME --udp} does. */
    public MuxStream dialUdp(String tunnel) {
        return session.openStream(tunnel, "127.0.0.1:1", dev.porthole.protocol.message.UdpDial.request(tunnel));
    }

    /** The connection's datagram lane (UDP tunnels). */
    public dev.porthole.protocol.mux.Datagrams datagrams() {
        return session.datagrams();
    }

    public Welcome awaitWelcome() {
        return join(welcome);
    }

    /** The public address of the first granted tunnel. */
    public String firstAddress() {
        return awaitWelcome().tunnels().getFirst().publicAddress();
    }

    /** Waits for the gateway to close the connection and returns the close code. */
    public int closeCodeWhenClosed() {
        join(closed);
        return closeCode;
    }

    public int closeCode() {
        return closeCode;
    }

    /**
     * Stops reading from the socket, like an agent whose process froze: no more PONGs. The channel
     * stops reading; pausing the Vert.x socket would not do, as whole messages are taken ahead of it.
     */
    public void freeze() {
        ((WebSocketInternal) socket).channelHandlerContext().channel().config().setAutoRead(false);
    }

    /** Sends GOAWAY, as an agent does that gives this connection up, and keeps it open. */
    public void goAway(String reason) {
        session.send(new GoAway(CloseCode.NORMAL.code(), reason));
    }

    public void close() {
        MuxSession current = session;
        if (current != null) {
            current.close(CloseCode.NORMAL, "test done");
        }
    }

    /** Closes {@code agent}, if there is one, and waits until its connection is closed. */
    public static void closeAndAwait(TestAgent agent) {
        if (agent != null) {
            agent.close();
            agent.closed.join();
        }
    }

    @Override
    public void onOpen(MuxStream stream, Open open) {
        opened.add(open);
        streams.accept(stream, open);
    }

    @Override
    public void onMessage(ConnectionMessage message) {
        switch (message) {
            case Welcome w -> {
                try {
                    session.peerLimits(w.initialWindow(), w.maxFrameSize());
                } catch (ProtocolException e) {
                    throw new AssertionError(e);
                }
                if (w.capabilities().contains(WebSocketTransport.UNMASKED_CAPABILITY)) {
                    transport.stopMasking();
                }
                session.agreedCapabilities(w.capabilities());
                welcome.complete(w);
            }
            case Config c -> configs.add(c);
            case Notice n -> notices.add(n);
            default -> {}
        }
    }

    @Override
    public void onClosed(int code, String reason) {
        closeCode = code;
        closed.complete(code + " " + reason);
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("timed out or failed: " + e, e);
        }
    }
}
