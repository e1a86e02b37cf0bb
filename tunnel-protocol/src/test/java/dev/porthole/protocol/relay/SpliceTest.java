package dev.porthole.protocol.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two real sockets spliced together, the way {@code porthole forward} joins a local client and its
 * target: FIN travels on its own in each direction, and a broken side breaks the other.
 */
class SpliceTest {

    private final Vertx vertx = Vertx.vertx();
    private ServerSocket target;
    private NetServer relay;

    @BeforeEach
    void start() throws Exception {
        target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        NetClient client = vertx.createNetClient();
        relay = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0)).connectHandler(accepted -> {
            accepted.pause();
            HalfCloseSocket visitor = HalfCloseSocket.wrap(accepted);
            client.connect(target.getLocalPort(), "127.0.0.1").onSuccess(connected -> {
                connected.pause();
                Splice.join(visitor, HalfCloseSocket.wrap(connected));
            }).onFailure(visitor::abort);
        });
        relay.listen().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        target.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aClientsFinReachesTheTargetAndTheAnswerStillComesBack() throws Exception {
        // The target reads to the end of the request, then answers: works only if FIN travels alone.
        CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
            try (Socket accepted = target.accept()) {
                byte[] request = accepted.getInputStream().readAllBytes();
                accepted.getOutputStream().write(("got " + request.length + " bytes").getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try (Socket socket = new Socket("127.0.0.1", relay.actualPort())) {
            socket.getOutputStream().write(new byte[100_000]);
            socket.shutdownOutput();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("got 100000 bytes");
        }
        served.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aTargetThatResetsBreaksTheClientsConnection() throws Exception {
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
            }).isInstanceOf(SocketException.class);
        }
        served.get(10, TimeUnit.SECONDS);
    }
}
