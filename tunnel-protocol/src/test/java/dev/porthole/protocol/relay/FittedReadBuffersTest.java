package dev.porthole.protocol.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.porthole.protocol.buffer.Ownership;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Read buffers sized to the reads, on real loopback sockets set up as the agent sets up its
 * connections to a local service: a 256 KiB receive buffer, reads handed on without a copy.
 */
class FittedReadBuffersTest {

    /** The agent's largest read (four 64 KiB frames' payloads). */
    private static final int LARGEST = 262_120;

    private final Vertx vertx = Vertx.vertx();
    private final List<Buffer> held = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        held.forEach(Ownership::release);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aShortReplyHeldUnsentHoldsABufferItsOwnSizeNotTheReceiveBuffer() throws Exception {
        int port = serve(1000);
        int connections = 50;
        for (int i = 0; i < connections; i++) {
            connectAndHoldReads(port, new AtomicLong());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == connections);

        long heldBytes = held.stream()
                .mapToLong(read -> Ownership.byteBuf(read).capacity())
                .sum();
        assertThat(heldBytes)
                .as("50 reads of 1000 bytes each, held")
                .isLessThanOrEqualTo(connections * (long) FittedReadBuffers.SMALLEST);
    }

    @Test
    void aBulkTransferIsReadInTheLargestBuffers() throws Exception {
        int size = 16 << 20;
        int port = serve(size);
        AtomicLong received = new AtomicLong();
        connectAndHoldReads(port, received);
        await().atMost(Duration.ofSeconds(20)).until(() -> received.get() == size);

        assertThat(held.stream()
                        .mapToInt(read -> Ownership.byteBuf(read).capacity())
                        .max())
                .hasValue(LARGEST);
    }

    @Test
    void growsEightfoldAfterAFullReadAndFitsTheNextAfterOneOfLessThanAnEighth() {
        FittedReadBuffers buffers = FittedReadBuffers.upTo(LARGEST);
        assertThat(buffers.next(2048, 2048)).isEqualTo(16_384);
        assertThat(buffers.next(16_384, 16_384)).isEqualTo(131_072);
        assertThat(buffers.next(131_072, 131_072)).isEqualTo(LARGEST);
        assertThat(buffers.next(LARGEST, LARGEST)).isEqualTo(LARGEST);
        assertThat(buffers.next(LARGEST, 200_000)).as("short of the largest").isEqualTo(LARGEST);
        assertThat(buffers.next(LARGEST, 40_000))
                .as("more than an eighth of it")
                .isEqualTo(LARGEST);
        assertThat(buffers.next(16_384, 2049)).isEqualTo(16_384);
        assertThat(buffers.next(LARGEST, 5000)).isEqualTo(8192);
        assertThat(buffers.next(LARGEST, 4096)).isEqualTo(4096);
        assertThat(buffers.next(8192, 1)).isEqualTo(FittedReadBuffers.SMALLEST);
        assertThatThrownBy(() -> FittedReadBuffers.upTo(100)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A server that writes {@code bytes} bytes to each connection and closes it. */
    private int serve(int bytes) throws Exception {
        NetServer server = vertx.createNetServer(
                        new NetServerOptions().setHost("127.0.0.1").setPort(0))
                .connectHandler(socket -> socket.end(Buffer.buffer(new byte[bytes])));
        return server.listen()
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .actualPort();
    }

    /**
     * Connects as the agent connects to a local service, keeping every read buffer as it came: from
     * the event loop, so that the connect's handler is in place before the connection can complete
     * (from the test's thread, a loaded machine could see the reply and the close read, and dropped,
     * before the handler was added and ran).
     */
    private void connectAndHoldReads(int port, AtomicLong received) throws Exception {
        CompletableFuture<Void> connected = new CompletableFuture<>();
        vertx.getOrCreateContext()
                .runOnContext(ignored -> vertx.createNetClient(new NetClientOptions().setReceiveBufferSize(LARGEST))
                        .connect(port, "127.0.0.1")
                        .onComplete(result -> {
                            if (result.failed()) {
                                connected.completeExceptionally(result.cause());
                                return;
                            }
                            HalfCloseSocket wrapped = HalfCloseSocket.wrapUnread(result.result(), LARGEST);
                            wrapped.source().handler(read -> {
                                held.add(read);
                                received.addAndGet(read.length());
                            });
                            wrapped.source().resume();
                            connected.complete(null);
                        }));
        connected.get(10, TimeUnit.SECONDS);
    }
}
