package dev.porthole.protocol.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.protocol.CloseCode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.WriteBufferWaterMark;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.impl.WebSocketInternal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Frames written on the connection's event loop are batched, yet always reach the peer, in order;
 * an aborted connection ends even when its peer reads nothing.
 */
class WebSocketTransportTest {

    private final Vertx vertx = Vertx.vertx();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final BlockingQueue<ServerWebSocket> serverSockets = new LinkedBlockingQueue<>();
    private HttpServer server;
    private WebSocket client;

    @BeforeEach
    void connect() throws Exception {
        server = vertx.createHttpServer()
                .webSocketHandler(socket -> {
                    socket.binaryMessageHandler(message -> received.add(message.toString()));
                    serverSockets.add(socket);
                })
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        client = vertx.createWebSocketClient()
                .connect(server.actualPort(), "127.0.0.1", "/")
                .toCompletionStage()
                .toCompletableFuture()
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

    @Test
    void anAbortedConnectionIsClosedEvenWhenThePeerReadsNothing() throws Exception {
        ServerWebSocket accepted = serverSockets.poll(10, TimeUnit.SECONDS);
        ChannelHandlerContext serverChannel = ((WebSocketInternal) accepted).channelHandlerContext();
        // The peer reads nothing, and the server's own queue stays below its mark: a close frame
        // queued behind what is unread could never leave, and the connection would stay open.
        ((WebSocketInternal) client).channelHandlerContext().channel().config().setAutoRead(false);
        serverChannel.channel().config().setWriteBufferWaterMark(new WriteBufferWaterMark(256 << 20, 512 << 20));
        WebSocketTransport transport = new WebSocketTransport(accepted);
        byte[] chunk = new byte[64 * 1024];
        serverChannel
                .executor()
                .submit(() -> {
                    for (int i = 0; i < 512; i++) {
                        transport.send(Buffer.buffer(chunk));
                    }
                })
                .get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> serverChannel.channel().unsafe().outboundBuffer().totalPendingWriteBytes() > 0);
        assertThat(serverChannel.channel().isWritable()).isTrue();

        serverChannel.executor().execute(() -> transport.abort(CloseCode.PROTOCOL_ERROR, "FLOOD: test"));

        await().atMost(WebSocketTransport.ABORT_GRACE.plusSeconds(5))
                .until(() -> !serverChannel.channel().isActive());
    }
}
