package dev.porthole.protocol.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.protocol.buffer.Ownership;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The UDP tunnels' socket: reads on its context, sends by address, and never queues without bound. */
class UdpSocketTest {

    private final Vertx vertx = Vertx.vertx();
    private final Context context = vertx.getOrCreateContext();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<Boolean> onContext = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aConnectedSocketTakesAnswersFromItsPeerOnlyOnItsContext() throws Exception {
        try (DatagramSocket upstream = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                DatagramSocket stranger = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            UdpSocket socket =
                    result(UdpSocket.connect(context, "localhost", upstream.getLocalPort(), 65536, this::record));
            assertThat(socket.send(text("ping"))).isTrue();
            DatagramPacket ping = new DatagramPacket(new byte[100], 100);
            upstream.setSoTimeout(10_000);
            upstream.receive(ping);
            assertThat(new String(ping.getData(), 0, ping.getLength(), StandardCharsets.UTF_8))
                    .isEqualTo("ping");

            send(stranger, socket.localAddress().getPort(), "forged");
            send(upstream, socket.localAddress().getPort(), "pong");
            await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("pong"));

            assertThat(received).containsExactly("pong");
            assertThat(onContext).containsOnly(true);
        }
    }

    @Test
    void dropsADatagramWhenItsSendQueueIsFullInsteadOfQueueingIt() throws Exception {
        try (DatagramSocket visitor = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            UdpSocket socket = result(UdpSocket.bind(context, "127.0.0.1", 0, 65536, this::record));
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", visitor.getLocalPort());
            Promise<List<Boolean>> sent = Promise.promise();
            // In one turn of the loop nothing is flushed: the channel's queue fills past its bound.
            context.runOnContext(ignored -> {
                List<Boolean> results = new CopyOnWriteArrayList<>();
                for (int i = 0; i < 16; i++) {
                    results.add(socket.send(Buffer.buffer(new byte[16 * 1024]), to));
                }
                sent.complete(results);
            });
            List<Boolean> results = result(sent.future());

            assertThat(results.subList(0, 4)).containsOnly(true);
            assertThat(results).contains(false);
            assertThat(results.subList(results.indexOf(false), results.size())).containsOnly(false);
        }
    }

    @Test
    void readsManyDatagramsInOneTurnOfTheLoopButNoMoreThanTheBound() throws Exception {
        List<Integer> turns = new CopyOnWriteArrayList<>();
        int[] inTurn = {0};
        UdpSocket socket = result(UdpSocket.bind(context, "127.0.0.1", 0, 1 << 20, (sender, payload) -> {
            if (inTurn[0]++ == 0) {
                // Runs once the loop has read what it reads in this turn.
                context.runOnContext(ignored -> {
                    turns.add(inTurn[0]);
                    inTurn[0] = 0;
                });
            }
            Ownership.release(payload);
        }));
        int count = 3 * UdpSocket.MAX_MESSAGES_PER_READ + 4;
        CountDownLatch queued = new CountDownLatch(1);
        // The loop waits until every datagram is in the socket's buffer, so that its next read finds them all.
        context.runOnContext(ignored -> {
            try {
                queued.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (DatagramSocket visitor = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            for (int i = 0; i < count; i++) {
                send(visitor, socket.localAddress().getPort(), "datagram " + i);
            }
        }
        queued.countDown();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> turns.stream().mapToInt(Integer::intValue).sum() == count);

        assertThat(turns)
                .containsExactly(
                        UdpSocket.MAX_MESSAGES_PER_READ,
                        UdpSocket.MAX_MESSAGES_PER_READ,
                        UdpSocket.MAX_MESSAGES_PER_READ,
                        4);
    }

    private void record(InetSocketAddress sender, Buffer payload) {
        onContext.add(Vertx.currentContext() == context);
        received.add(payload.toString(StandardCharsets.UTF_8));
        Ownership.release(payload);
    }

    private static Buffer text(String text) {
        return Buffer.buffer(text);
    }

    private static void send(DatagramSocket from, int port, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        from.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress("127.0.0.1", port)));
    }

    private static <T> T result(io.vertx.core.Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
