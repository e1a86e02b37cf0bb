package dev.porthole.protocol.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.impl.WebSocketInternal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Frames written on the connection's event loop are batched, yet always reach the peer, in order. */
class WebSocketTransportTest {

    private final Vertx vertx = Vertx.vertx();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private WebSocket client;

    @BeforeEach
    void connect() throws Exception {
        server = vertx.createHttpServer()
                .webSocketHandler(socket -> socket.binaryMessageHandler(message -> received.add(message.toString())))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        client = vertx.createWebSocketClient().connect(server.actualPort(), "127.0.0.1", "/").toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void framesWrittenOnTheEventLoopAreFlushedWithoutAnyoneAsking() {
        WebSocketTransport transport = new WebSocketTransport(client);
        ChannelHandlerContext channel = ((WebSocketInternal) client).channelHandlerContext();
        channel.executor().execute(() -> {
            transport.send(Buffer.buffer("one"));
            transport.send(Buffer.buffer("two"));
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
        channel.executor().execute(() -> transport.send(Buffer.buffer("three")));
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 3);
        assertThat(received).containsExactly("one", "two", "three");
    }

    @Test
    void framesFromAnotherThreadAndFromTheLoopKeepTheirOrder() {
        WebSocketTransport transport = new WebSocketTransport(client);
        ChannelHandlerContext channel = ((WebSocketInternal) client).channelHandlerContext();
        transport.send(Buffer.buffer("from-test-thread"));
        channel.executor().execute(() -> transport.send(Buffer.buffer("from-loop")));
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
        assertThat(received).containsExactly("from-test-thread", "from-loop");
    }
}
