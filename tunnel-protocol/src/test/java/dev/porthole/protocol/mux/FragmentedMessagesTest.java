package dev.porthole.protocol.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.protocol.frame.FrameCodec;
import dev.porthole.protocol.message.MessageCodec;
import dev.porthole.protocol.message.Ping;
import dev.porthole.protocol.message.Pong;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A session bound to a server WebSocket takes each message whole, also when the peer split it into
 * fragments, and bounds what it puts together: on Vert.x's WebSocket ({@link WebSocketTransport})
 * and on the channel taken from it ({@link ChannelTransport}, the gateway's end of an agent's
 * connection).
 */
class FragmentedMessagesTest {

    private final Vertx vertx = Vertx.vertx();
    private final FrameCodec codec = new FrameCodec(FrameCodec.DEFAULT_MAX_FRAME_SIZE);
    private final List<Object> answers = new CopyOnWriteArrayList<>();
    private final AtomicReference<Short> closedWith = new AtomicReference<>();
    private WebSocket client;

    /** The two ways a server socket carries a session. */
    enum Server {
        VERTX_WEBSOCKET,
        CHANNEL
    }

    private void connect(Server kind) throws Exception {
        // The WebSocket limits the gateway sets: one frame of the largest size.
        HttpServerOptions options = new HttpServerOptions()
                .setMaxWebSocketFrameSize(FrameCodec.DEFAULT_MAX_FRAME_SIZE)
                .setMaxWebSocketMessageSize(FrameCodec.DEFAULT_MAX_FRAME_SIZE);
        HttpServer server = vertx.createHttpServer(options)
                .requestHandler(request -> request.toWebSocket().onSuccess(socket -> {
                    if (kind == Server.CHANNEL) {
                        ChannelTransport transport = ChannelTransport.of(socket);
                        transport.bind(new MuxSession(
                                vertx.getOrCreateContext(), transport, MuxSettings.DEFAULTS, MuxSession.Role.GATEWAY));
                    } else {
                        WebSocketTransport.bind(
                                socket,
                                new MuxSession(
                                        vertx.getOrCreateContext(),
                                        new WebSocketTransport(socket),
                                        MuxSettings.DEFAULTS,
                                        MuxSession.Role.GATEWAY));
                    }
                }))
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        client = vertx.createWebSocketClient()
                .connect(server.actualPort(), "127.0.0.1", "/")
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
        client.closeHandler(ignored -> closedWith.set(client.closeStatusCode()));
    }

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void aWholeMessageIsAnswered(Server kind) throws Exception {
        connect(kind);
        client.writeBinaryMessage(codec.encode(MessageCodec.encode(new Ping(7))));
        await().atMost(Duration.ofSeconds(10)).until(() -> !answers.isEmpty());
        assertThat(answers).containsExactly(new Pong(7));
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void aMessageInThreeFragmentsIsPutTogether(Server kind) throws Exception {
        connect(kind);
        Buffer ping = codec.encode(MessageCodec.encode(new Ping(42)));
        client.writeFrame(WebSocketFrame.binaryFrame(ping.slice(0, 3), false));
        client.writeFrame(WebSocketFrame.continuationFrame(ping.slice(3, 9), false));
        client.writeFrame(WebSocketFrame.continuationFrame(ping.slice(9, ping.length()), true));
        await().atMost(Duration.ofSeconds(10)).until(() -> !answers.isEmpty());
        assertThat(answers).containsExactly(new Pong(42));
        assertThat(closedWith.get()).isNull();
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void fragmentsAddingUpToMoreThanTheLargestFrameCloseTheConnection(Server kind) throws Exception {
        connect(kind);
        Buffer half = Buffer.buffer(new byte[FrameCodec.DEFAULT_MAX_FRAME_SIZE / 2 + 1]);
        client.writeFrame(WebSocketFrame.binaryFrame(half, false));
        client.writeFrame(WebSocketFrame.continuationFrame(half, false));
        await().atMost(Duration.ofSeconds(10)).until(() -> closedWith.get() != null);
        assertThat(closedWith.get()).isEqualTo((short) 1002);
        assertThat(answers).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void aTextMessageClosesTheConnection(Server kind) throws Exception {
        connect(kind);
        client.writeTextMessage("hello");
        await().atMost(Duration.ofSeconds(10)).until(() -> closedWith.get() != null);
        assertThat(closedWith.get()).isEqualTo((short) 1002);
    }
}
