package dev.porthole.protocol.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.protocol.frame.FrameCodec;
import dev.porthole.protocol.message.ConnectionMessage;
import dev.porthole.protocol.message.GoAway;
import dev.porthole.protocol.message.MessageCodec;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.Ping;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A whole message is taken from the channel ahead of Vert.x, a close goes through Vert.x: an agent
 * (a client socket, bound on the context its connect callback ran on) still sees a message before
 * the close right behind it. A gateway that refuses every tunnel sends WELCOME and closes at once,
 * and the agent has to read the reasons in WELCOME.
 */
class MessageOrderTest {

    private static final FrameCodec CODEC = new FrameCodec(FrameCodec.DEFAULT_MAX_FRAME_SIZE);

    private final Vertx vertx = Vertx.vertx();
    private final List<String> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aMessageAndTheCloseRightBehindItAreHandledInThatOrder() throws Exception {
        GoAway goAway = new GoAway(1001, "restarting");
        // The "gateway" answers the first message with GOAWAY and closes in the same breath.
        HttpServer server = vertx.createHttpServer()
                .webSocketHandler(socket -> socket.binaryMessageHandler(first -> {
                    socket.writeBinaryMessage(CODEC.encode(MessageCodec.encode(goAway)));
                    socket.close((short) 1000, "done");
                }))
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);

        vertx.createWebSocketClient()
                .connect(server.actualPort(), "127.0.0.1", "/")
                .onSuccess(socket -> {
                    MuxSession session = new MuxSession(
                                    Vertx.currentContext(),
                                    new WebSocketTransport(socket),
                                    MuxSettings.DEFAULTS,
                                    MuxSession.Role.AGENT)
                            .listener(new MuxListener() {
                                @Override
                                public void onOpen(MuxStream stream, Open open) {}

                                @Override
                                public void onMessage(ConnectionMessage message) {
                                    events.add("message " + message);
                                }

                                @Override
                                public void onClosed(int code, String reason) {
                                    events.add("closed " + code);
                                }
                            });
                    WebSocketTransport.bind(socket, session);
                    session.send(new Ping(1));
                });

        await().atMost(Duration.ofSeconds(10))
                .until(() -> events.stream().anyMatch(event -> event.startsWith("closed")));
        assertThat(events).containsExactly("message " + goAway, "closed 1000");
    }
}
