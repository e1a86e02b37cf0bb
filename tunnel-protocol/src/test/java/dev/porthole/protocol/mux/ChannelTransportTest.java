package dev.porthole.protocol.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.frame.FrameCodec;
import dev.porthole.protocol.message.ConnectionMessage;
import dev.porthole.protocol.message.MessageCodec;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.Ping;
import dev.porthole.protocol.message.Pong;
import io.netty.channel.Channel;
import io.netty.channel.WriteBufferWaterMark;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.impl.WebSocketInternal;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A session on a server WebSocket's channel taken from Vert.x (the gateway's end of an agent
 * connection) answers pings, keeps the close handshake, drains, and lets Vert.x's WebSocket go;
 * {@link FragmentedMessagesTest} sends it messages whole and in fragments.
 */
class ChannelTransportTest {

    private final Vertx vertx = Vertx.vertx();
    private final FrameCodec codec = new FrameCodec(FrameCodec.DEFAULT_MAX_FRAME_SIZE);
    private final List<Object> answers = new CopyOnWriteArrayList<>();
    private final AtomicReference<Short> clientClosedWith = new AtomicReference<>();
    private final AtomicReference<String> clientCloseReason = new AtomicReference<>();
    private final AtomicReference<String> sessionClosedWith = new AtomicReference<>();
    /** The accepted sessions, with their transports and channels; nothing here holds Vert.x's WebSocket. */
    private final BlockingQueue<Accepted> accepted = new LinkedBlockingQueue<>();
    /** Vert.x's WebSocket, weakly: it must be let go once the session has the channel. */
    private volatile WeakReference<ServerWebSocket> vertxSocket;

    private WebSocket client;
    private int port;
    /** Set for a connection that is to close between its upgrade and the session's bind. */
    private volatile boolean closeBeforeBind;

    private record Accepted(MuxSession session, ChannelTransport transport, Channel channel) {}

    @BeforeEach
    void connect() throws Exception {
        // The WebSocket limits the gateway sets: one frame of the largest size.
        HttpServerOptions options = new HttpServerOptions()
                .setMaxWebSocketFrameSize(FrameCodec.DEFAULT_MAX_FRAME_SIZE)
                .setMaxWebSocketMessageSize(FrameCodec.DEFAULT_MAX_FRAME_SIZE)
                .setAcceptUnmaskedFrames(true);
        HttpServer server = vertx.createHttpServer(options)
                .requestHandler(request -> request.toWebSocket().onSuccess(this::serve))
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        client = vertx.createWebSocketClient()
                .connect(port = server.actualPort(), "127.0.0.1", "/")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        client.binaryMessageHandler(message -> {
            try {
                answers.add(MessageCodec.decode(codec.decode(message)));
            } catch (Exception e) {
                answers.add(e);
            }
        });
        client.closeHandler(ignored -> {
            clientCloseReason.set(client.closeReason());
            clientClosedWith.set(client.closeStatusCode());
        });
    }

    private void serve(ServerWebSocket socket) {
        vertxSocket = new WeakReference<>(socket);
        Channel channel = ((WebSocketInternal) socket).channelHandlerContext().channel();
        if (closeBeforeBind) {
            // Closed now, bound a turn later: Vert.x's handler hears of the close, not the session's.
            channel.unsafe().close(channel.voidPromise());
            channel.eventLoop().execute(() -> bind(socket, channel));
        } else {
            bind(socket, channel);
        }
    }

    private void bind(ServerWebSocket socket, Channel channel) {
        ChannelTransport transport = ChannelTransport.of(socket);
        MuxSession session =
                new MuxSession(vertx.getOrCreateContext(), transport, MuxSettings.DEFAULTS, MuxSession.Role.GATEWAY);
        session.listener(new MuxListener() {
            @Override
            public void onOpen(MuxStream stream, Open open) {}

            @Override
            public void onMessage(ConnectionMessage message) {}

            @Override
            public void onClosed(int code, String reason) {
                sessionClosedWith.set(code + " " + reason);
            }
        });
        transport.bind(session);
        accepted.add(new Accepted(session, transport, channel));
    }

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aFrameTheDecoderRefusesClosesTheConnectionSayingWhy() {
        // Netty's decoder finds this one out (a continuation without a message to continue).
        client.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("stray"), true));
        await().atMost(Duration.ofSeconds(10)).until(() -> clientClosedWith.get() != null);
        assertThat(clientClosedWith.get()).isEqualTo((short) 1002);
        assertThat(clientCloseReason.get()).contains("continuation");
    }

    @Test
    void aWebSocketPingIsAnsweredWithItsData() {
        AtomicReference<String> pong = new AtomicReference<>();
        client.pongHandler(data -> pong.set(data.toString()));
        client.writePing(Buffer.buffer("are you there"));
        await().atMost(Duration.ofSeconds(10)).until(() -> pong.get() != null);
        assertThat(pong.get()).isEqualTo("are you there");
    }

    @Test
    void thePeersCloseIsAnsweredAndReportedToTheSession() throws Exception {
        Accepted server = accepted.poll(10, TimeUnit.SECONDS);
        client.close((short) 4001, "replaced");
        await().atMost(Duration.ofSeconds(10)).until(() -> sessionClosedWith.get() != null);
        assertThat(sessionClosedWith.get()).isEqualTo("4001 replaced");
        await().atMost(Duration.ofSeconds(10)).until(() -> !server.channel().isActive());
        assertThat(clientClosedWith.get()).isEqualTo((short) 4001);
    }

    @Test
    void aSessionsCloseReachesThePeerWithItsCodeAndReason() throws Exception {
        Accepted server = accepted.poll(10, TimeUnit.SECONDS);
        server.session().close(CloseCode.GOING_AWAY, "the gateway is draining");
        await().atMost(Duration.ofSeconds(10)).until(() -> clientClosedWith.get() != null);
        assertThat(clientClosedWith.get()).isEqualTo((short) 1001);
        assertThat(clientCloseReason.get()).isEqualTo("the gateway is draining");
        // The peer answered with its close frame: the connection ends without waiting for the timeout.
        await().atMost(ChannelTransport.CLOSING_TIMEOUT.minusSeconds(5))
                .until(() -> !server.channel().isActive());
    }

    @Test
    void aPeerThatNeverAnswersTheCloseIsCutAfterTheClosingTimeout() throws Exception {
        Accepted server = accepted.poll(10, TimeUnit.SECONDS);
        Channel clientChannel =
                ((WebSocketInternal) client).channelHandlerContext().channel();
        clientChannel.config().setAutoRead(false);
        server.session().close(CloseCode.NORMAL, "bye");
        await().atMost(ChannelTransport.CLOSING_TIMEOUT.plusSeconds(5))
                .until(() -> !server.channel().isActive());
        assertThat(sessionClosedWith.get()).startsWith("1000");
        // The client reads again and sees the connection end (else closing Vert.x waits for it).
        clientChannel.config().setAutoRead(true);
    }

    @Test
    void aConnectionThatClosedBeforeTheSessionGotItIsReported() throws Exception {
        accepted.poll(10, TimeUnit.SECONDS);
        closeBeforeBind = true;
        vertx.createWebSocketClient().connect(port, "127.0.0.1", "/");
        Accepted late = accepted.poll(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> sessionClosedWith.get() != null);
        assertThat(sessionClosedWith.get()).startsWith("1006");
        assertThat(late.channel().isActive()).isFalse();
    }

    @Test
    void aConnectionThatDropsIsReportedAsAbnormal() throws Exception {
        accepted.poll(10, TimeUnit.SECONDS);
        // The socket itself, not through Vert.x's pipeline, which would send a close frame first.
        Channel clientChannel =
                ((WebSocketInternal) client).channelHandlerContext().channel();
        clientChannel.eventLoop().execute(() -> clientChannel.unsafe().close(clientChannel.voidPromise()));
        await().atMost(Duration.ofSeconds(10)).until(() -> sessionClosedWith.get() != null);
        assertThat(sessionClosedWith.get()).startsWith("1006");
    }

    /** What Vert.x kept per connection is what the gateway takes the channel for (docs/performance.md). */
    @Test
    void vertxsWebSocketIsLetGoWhileTheSessionGoesOn() throws Exception {
        Accepted server = accepted.poll(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            System.gc();
            return vertxSocket.get() == null;
        });
        assertThat(server.channel().isActive()).isTrue();
        client.writeBinaryMessage(codec.encode(MessageCodec.encode(new Ping(9))));
        await().atMost(Duration.ofSeconds(10)).until(() -> !answers.isEmpty());
        assertThat(answers).containsExactly(new Pong(9));
    }

    @Test
    void anAbortedConnectionIsClosedEvenWhenThePeerReadsNothing() throws Exception {
        Accepted server = accepted.poll(10, TimeUnit.SECONDS);
        Channel channel = server.channel();
        // The peer reads nothing, and the server's own queue stays below its mark: a close frame
        // queued behind what is unread could never leave, and the connection would stay open.
        ((WebSocketInternal) client).channelHandlerContext().channel().config().setAutoRead(false);
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(256 << 20, 512 << 20));
        byte[] chunk = new byte[64 * 1024];
        channel.eventLoop()
                .submit(() -> {
                    for (int i = 0; i < 512; i++) {
                        server.transport().send(Buffer.buffer(chunk));
                    }
                })
                .get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> channel.unsafe().outboundBuffer().totalPendingWriteBytes() > 0);
        assertThat(channel.isWritable()).isTrue();

        channel.eventLoop().execute(() -> server.transport().abort(CloseCode.PROTOCOL_ERROR, "FLOOD: test"));

        await().atMost(WebSocketTransport.ABORT_GRACE.plusSeconds(5)).until(() -> !channel.isActive());
        ((WebSocketInternal) client).channelHandlerContext().channel().config().setAutoRead(true);
    }

    @Test
    void aFullWriteQueueDrainsOnceThePeerReadsAgain() throws Exception {
        Accepted server = accepted.poll(10, TimeUnit.SECONDS);
        Channel channel = server.channel();
        Channel clientChannel =
                ((WebSocketInternal) client).channelHandlerContext().channel();
        // Vert.x stops reading once a few messages wait unread; until then the writes fill what it reads.
        client.pause();
        byte[] chunk = new byte[64 * 1024];
        Runnable fill = () -> {
            while (!server.transport().writeQueueFull()) {
                server.transport().send(Buffer.buffer(chunk));
                channel.flush();
            }
        };
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            channel.eventLoop().submit(fill).get(10, TimeUnit.SECONDS);
            return !clientChannel.config().isAutoRead();
        });
        AtomicReference<Boolean> drained = new AtomicReference<>(false);
        channel.eventLoop()
                .submit(() -> {
                    fill.run();
                    server.transport().drainHandler(() -> drained.set(true));
                })
                .get(10, TimeUnit.SECONDS);
        assertThat(server.transport().writeQueueFull()).isTrue();

        client.resume();

        await().atMost(Duration.ofSeconds(10)).until(drained::get);
        assertThat(server.transport().writeQueueFull()).isFalse();
    }
}
