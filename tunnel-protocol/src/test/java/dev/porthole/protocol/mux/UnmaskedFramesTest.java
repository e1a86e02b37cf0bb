package dev.porthole.protocol.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.impl.WebSocketInternal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A client transport masks its frames until told to stop; then they really leave unmasked. */
class UnmaskedFramesTest {

    private final Vertx vertx = Vertx.vertx();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aClientMasksUntilToldToStop() throws Exception {
        // An older gateway: unmasked frames would be a protocol error there.
        WebSocketTransport transport = new WebSocketTransport(connect(false));
        assertThat(transport.masked()).isTrue();
        assertThat(transport.contiguousFrames()).isTrue();
        transport.send(Buffer.buffer("one"));
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        assertThat(received).containsExactly("one");
    }

    @Test
    void sendsUnmaskedFramesAfterStopMasking() throws Exception {
        WebSocket socket = connect(true);
        WebSocketTransport transport = new WebSocketTransport(socket);
        transport.send(Buffer.buffer("masked"));
        onLoop(socket, () -> {
            transport.stopMasking();
            transport.send(Buffer.buffer("unmasked"));
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
        assertThat(received).containsExactly("masked", "unmasked");
        assertThat(transport.masked()).isFalse();
        assertThat(transport.contiguousFrames()).isFalse();
    }

    @Test
    void theFramesReallyLeaveUnmasked() throws Exception {
        // A server that insists on masking drops the connection: proof that the encoder no longer masks.
        WebSocket socket = connect(false);
        WebSocketTransport transport = new WebSocketTransport(socket);
        onLoop(socket, () -> {
            transport.stopMasking();
            transport.send(Buffer.buffer("unmasked"));
        });
        await().atMost(Duration.ofSeconds(10)).untilTrue(closed);
        assertThat(received).isEmpty();
    }

    @Test
    void aServerTransportNeverMasks() throws Exception {
        AtomicBoolean serverMasked = new AtomicBoolean(true);
        HttpServer server = vertx.createHttpServer()
                .webSocketHandler(socket -> serverMasked.set(new WebSocketTransport(socket).masked()))
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        vertx.createWebSocketClient()
                .connect(server.actualPort(), "127.0.0.1", "/")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).untilFalse(serverMasked);
    }

    private static void onLoop(WebSocket socket, Runnable action) {
        ChannelHandlerContext channel = ((WebSocketInternal) socket).channelHandlerContext();
        channel.executor().execute(action);
    }

    private WebSocket connect(boolean acceptUnmasked) throws Exception {
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setAcceptUnmaskedFrames(acceptUnmasked))
                .webSocketHandler(socket -> socket.binaryMessageHandler(message -> received.add(message.toString())))
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        WebSocket socket = vertx.createWebSocketClient()
                .connect(server.actualPort(), "127.0.0.1", "/")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        socket.closeHandler(ignored -> closed.set(true));
        return socket;
    }
}
