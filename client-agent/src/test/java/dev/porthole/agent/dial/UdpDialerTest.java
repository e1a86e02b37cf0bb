package dev.porthole.agent.dial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.protocol.message.ConnectionMessage;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.UdpDial;
import dev.porthole.protocol.mux.MuxListener;
import dev.porthole.protocol.mux.MuxSession;
import dev.porthole.protocol.mux.MuxSettings;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.protocol.mux.WebSocketTransport;
import dev.porthole.testing.ManualClock;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code porthole connect NAME --udp}'s bounds: at most {@code --max-flows} local sources at once, and
 * no new dial for {@link UdpDialer#REFUSED_BACKOFF} after the gateway refused one. The gateway here
 * is a real tunnel session over a real WebSocket that records the dials and datagrams it gets.
 */
class UdpDialerTest {

    private final Vertx vertx = Vertx.vertx();
    private final ManualClock clock = new ManualClock();
    private final List<Open> dials = new CopyOnWriteArrayList<>();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<Integer> flowIds = new CopyOnWriteArrayList<>();
    private final List<DatagramSocket> locals = new ArrayList<>();
    private volatile boolean refuse;
    private MuxSession agent;

    @BeforeEach
    void connect() throws Exception {
        int port = vertx.createHttpServer()
                .webSocketHandler(socket -> {
                    MuxSession gateway = session(Vertx.currentContext(), new WebSocketTransport(socket), false);
                    gateway.listener(new DialRecorder());
                    gateway.datagrams().receiveWith(datagram -> {
                        flowIds.add(datagram.flowId());
                        received.add(datagram.payload().toString(StandardCharsets.UTF_8));
                    });
                    WebSocketTransport.bind(socket, gateway);
                })
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .actualPort();
        Context context = vertx.getOrCreateContext();
        Promise<MuxSession> connected = Promise.promise();
        context.runOnContext(ignored -> vertx.createWebSocketClient()
                .connect(port, "127.0.0.1", "/")
                .onFailure(connected::fail)
                .onSuccess(socket -> {
                    MuxSession session = session(context, new WebSocketTransport(socket), true);
                    session.listener(new DialRecorder());
                    WebSocketTransport.bind(socket, session);
                    connected.complete(session);
                }));
        agent = connected.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        locals.forEach(DatagramSocket::close);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void dropsTheDatagramsOfOneSourceMoreThanMaxFlows() throws Exception {
        UdpDialer dialer = dialer(2);
        int port = listen(dialer);
        DatagramSocket first = local();
        DatagramSocket second = local();
        DatagramSocket third = local();

        send(first, port, "first");
        await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("first"));
        send(second, port, "second");
        await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("second"));
        send(third, port, "third");
        // Sent after the third source's datagram to the same socket: once it is through, so is anything before it.
        send(first, port, "marker");
        await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("marker"));

        assertThat(received).containsExactly("first", "second", "marker");
        assertThat(flowIds).hasSize(3);
        assertThat(flowIds.get(1)).isNotEqualTo(flowIds.get(0));
        assertThat(flowIds.get(2)).isEqualTo(flowIds.get(0));
        assertThat(dialer.flows()).isEqualTo(2);
        assertThat(dialer.dropped()).isEqualTo(1);
        assertThat(dials).hasSize(1);
    }

    @Test
    void waitsBeforeDialingAgainAfterARefusal() throws Exception {
        refuse = true;
        UdpDialer dialer = dialer(8);
        int port = listen(dialer);
        DatagramSocket source = local();

        send(source, port, "refused");
        await().atMost(Duration.ofSeconds(10)).until(dialer::waitingAfterRefusal);
        refuse = false;
        send(source, port, "while waiting");
        await().atMost(Duration.ofSeconds(10)).until(() -> dialer.dropped() == 1);
        clock.advance(UdpDialer.REFUSED_BACKOFF.minusMillis(1));
        send(source, port, "still waiting");
        await().atMost(Duration.ofSeconds(10)).until(() -> dialer.dropped() == 2);
        clock.advance(Duration.ofMillis(1));
        send(source, port, "after the wait");
        await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("after the wait"));

        assertThat(dials).hasSize(2);
        assertThat(received).doesNotContain("while waiting", "still waiting");
        assertThat(dialer.waitingAfterRefusal()).isFalse();
    }

    private UdpDialer dialer(int maxFlows) {
        return new UdpDialer(vertx, "udp-private", Duration.ofSeconds(60), maxFlows, clock)
                .dialThrough((tunnel, source) -> agent.openStream(tunnel, source, UdpDial.request(tunnel)));
    }

    private static int listen(UdpDialer dialer) throws Exception {
        return dialer.listen(new UpstreamAddress("127.0.0.1", 0))
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    private DatagramSocket local() throws Exception {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        locals.add(socket);
        return socket;
    }

    private static void send(DatagramSocket socket, int port, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress("127.0.0.1", port)));
    }

    /** One end of the tunnel connection, with what HELLO and WELCOME would have agreed: limits and udp. */
    private static MuxSession session(Context context, WebSocketTransport transport, boolean agent) {
        MuxSession session = new MuxSession(
                context, transport, MuxSettings.DEFAULTS, agent ? MuxSession.Role.AGENT : MuxSession.Role.GATEWAY);
        try {
            session.peerLimits(MuxSettings.DEFAULTS.initialWindow(), MuxSettings.DEFAULTS.maxFrameSize());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        if (agent) {
            session.datagrams().receiveWith(ignored -> {});
        }
        return session;
    }

    /** Records the dials it gets and takes them, or refuses them the way a gateway refuses a client without a grant. */
    private final class DialRecorder implements MuxListener {
        @Override
        public void onOpen(MuxStream stream, Open open) {
            dials.add(open);
            if (refuse) {
                stream.reset(ResetCode.FORBIDDEN, "client 'test' may not dial 'udp-private'");
            }
        }

        @Override
        public void onMessage(ConnectionMessage message) {}

        @Override
        public void onClosed(int code, String reason) {}
    }
}
