package dev.porthole.protocol.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two real sockets spliced together, the way {@code porthole forward} joins a local client and its
 * target: FIN travels on its own in each direction, and a broken side breaks the other. Each test
 * runs with sockets whose reads come through Vert.x and with sockets that hand their pooled read
 * buffers on ({@link HalfCloseSocket#wrapUnread}).
 */
class SpliceTest {

    private final Vertx vertx = Vertx.vertx();
    /** Threads of their own for the blocking sockets' readers and writers (the common pool may have one). */
    private final ExecutorService threads = Executors.newCachedThreadPool();

    private ServerSocket target;
    private NetServer relay;

    private void start(boolean unread) throws Exception {
        target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        NetClient client = vertx.createNetClient();
        relay = vertx.createNetServer(
                        new NetServerOptions().setHost("127.0.0.1").setPort(0))
                .connectHandler(accepted -> {
                    accepted.pause();
                    HalfCloseSocket visitor =
                            unread ? HalfCloseSocket.wrapUnread(accepted) : HalfCloseSocket.wrap(accepted);
                    client.connect(target.getLocalPort(), "127.0.0.1")
                            .onSuccess(connected -> {
                                connected.pause();
                                Splice.join(
                                        visitor,
                                        unread
                                                ? HalfCloseSocket.wrapUnread(connected)
                                                : HalfCloseSocket.wrap(connected));
                            })
                            .onFailure(visitor::abort);
                });
        relay.listen().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        if (target != null) {
            target.close();
        }
        threads.shutdownNow();
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @ParameterizedTest(name = "unread: {0}")
    @ValueSource(booleans = {false, true})
    void aClientsFinReachesTheTargetAndTheAnswerStillComesBack(boolean unread) throws Exception {
        start(unread);
        // The target reads to the end of the request, then answers: works only if FIN travels alone.
        CompletableFuture<Void> served = CompletableFuture.runAsync(
                () -> {
                    try (Socket accepted = target.accept()) {
                        byte[] request = accepted.getInputStream().readAllBytes();
                        accepted.getOutputStream()
                                .write(("got " + request.length + " bytes").getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                },
                threads);
        try (Socket socket = new Socket("127.0.0.1", relay.actualPort())) {
            socket.getOutputStream().write(new byte[100_000]);
            socket.shutdownOutput();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("got 100000 bytes");
        }
        served.get(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest(name = "unread: {0}")
    @ValueSource(booleans = {false, true})
    void aTargetThatResetsBreaksTheClientsConnection(boolean unread) throws Exception {
        start(unread);
        CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
            try {
                Socket accepted = target.accept();
                accepted.getInputStream().read();
                accepted.setSoLinger(true, 0);
                accepted.close();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try (Socket socket = new Socket("127.0.0.1", relay.actualPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(1);
            InputStream in = socket.getInputStream();
            assertThatThrownBy(() -> {
                        in.read();
                        in.read();
                    })
                    .isInstanceOf(SocketException.class);
        }
        served.get(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest(name = "unread: {0}")
    @ValueSource(booleans = {false, true})
    void manyMegabytesEachWayArriveIntactWhileTheTargetReadsSlowly(boolean unread) throws Exception {
        start(unread);
        byte[] up = new byte[24 * 1024 * 1024];
        byte[] down = new byte[24 * 1024 * 1024];
        new Random(1).nextBytes(up);
        new Random(2).nextBytes(down);
        // The target sends its 24 MiB while it reads the client's in small pieces: the relay has to
        // hold back (the client keeps writing) without losing or reordering a byte either way.
        CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(
                () -> {
                    try (Socket accepted = target.accept()) {
                        CompletableFuture<Void> sent = CompletableFuture.runAsync(
                                () -> {
                                    try {
                                        accepted.getOutputStream().write(down);
                                        accepted.shutdownOutput();
                                    } catch (IOException e) {
                                        throw new IllegalStateException(e);
                                    }
                                },
                                threads);
                        ByteArrayOutputStream all = new ByteArrayOutputStream();
                        byte[] piece = new byte[1000];
                        InputStream in = accepted.getInputStream();
                        for (int n; (n = in.read(piece)) > 0; ) {
                            all.write(piece, 0, n);
                        }
                        sent.get(30, TimeUnit.SECONDS);
                        return all.toByteArray();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                threads);
        try (Socket socket = new Socket("127.0.0.1", relay.actualPort())) {
            CompletableFuture<Void> sent = CompletableFuture.runAsync(
                    () -> {
                        try {
                            socket.getOutputStream().write(up);
                            socket.shutdownOutput();
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    threads);
            byte[] answer = socket.getInputStream().readAllBytes();
            sent.get(30, TimeUnit.SECONDS);
            assertThat(answer).isEqualTo(down);
        }
        assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo(up);
    }
}
