package dev.porthole.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.agent.dial.TunnelSocket;
import dev.porthole.protocol.mux.MuxSettings;
import dev.porthole.protocol.mux.MuxStream;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A TCP tunnel's connections as {@link PortholeListener#accept()} hands them out: bytes round-trip
 * with half-close, a program that does not read stops the sender, and connections nobody accepts
 * wait in a bounded backlog.
 */
class ListenerAcceptTest {

    private StandInGateway gateway;
    private PortholeListener listener;

    @BeforeEach
    void publish() throws Exception {
        gateway = new StandInGateway();
        listener = Porthole.builder()
                .server(gateway.url())
                .token("t0ken")
                .backlog(2)
                .tcp(0);
    }

    @AfterEach
    void stop() throws Exception {
        listener.close();
        gateway.close();
    }

    @Test
    void publishesTheTcpTunnelAndReportsItsAddress() {
        assertThat(listener.publicUrl()).isEqualTo("tcp://porthole.test:" + StandInGateway.TCP_PORT);
    }

    @Test
    void acceptedStreamsCarryBytesBothWaysWithHalfClose() throws Exception {
        MuxStream visitor = gateway.session().openStream("tcp-" + StandInGateway.TCP_PORT, "203.0.113.7:40000", null);
        CompletableFuture<String> answer = collect(visitor);
        visitor.write(Buffer.buffer("hello, listener"));
        visitor.end();

        try (TunnelSocket socket = listener.accept(Duration.ofSeconds(10))) {
            assertThat(socket).isNotNull();
            assertThat(socket.source()).isEqualTo("203.0.113.7:40000");
            String read = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            socket.getOutputStream().write(read.toUpperCase().getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("HELLO, LISTENER");
        }
    }

    @Test
    void aProgramThatDoesNotReadStopsTheSender() throws Exception {
        int total = 16 * 1024 * 1024;
        int chunk = 16 * 1024;
        MuxStream visitor = gateway.session().openStream("tcp-" + StandInGateway.TCP_PORT, "203.0.113.7:40001", null);
        AtomicLong sent = new AtomicLong();
        sendFrom(visitor, 0, total, chunk, sent);
        TunnelSocket socket = listener.accept(Duration.ofSeconds(10));

        // Nobody reads: what the gateway got rid of stays within the read-ahead plus one receive window.
        // The window may double once while the read-ahead fills fast; a second doubling would need
        // 384 KiB consumed, more than the 256 KiB read-ahead lets through before the reader pauses.
        long bound = TunnelSocket.READ_BUFFER + 2L * MuxSettings.DEFAULT_INITIAL_WINDOW + chunk;
        await().atMost(Duration.ofSeconds(10)).until(() -> sent.get() >= TunnelSocket.READ_BUFFER);
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5)).until(() -> sent.get() <= bound);
        assertThat(sent.get()).isLessThan(total);

        // Reading lets everything through, in order.
        byte[] all = socket.getInputStream().readNBytes(total);
        assertThat(all).hasSize(total);
        for (int i = 0; i < total; i += 4093) {
            assertThat(all[i]).as("byte %d", i).isEqualTo(pattern(i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> sent.get() == total);
        socket.close();
    }

    @Test
    void connectionsBeyondTheBacklogAreResetAtOnce() throws Exception {
        String tunnel = "tcp-" + StandInGateway.TCP_PORT;
        for (int i = 0; i < 2; i++) {
            gateway.session().openStream(tunnel, "203.0.113.7:4100" + i, null).write(Buffer.buffer("waiting " + i));
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> listener.acceptQueue().waiting() == 2);
        MuxStream third = gateway.session().openStream(tunnel, "203.0.113.7:41002", null);
        CompletableFuture<Throwable> refused = new CompletableFuture<>();
        third.exceptionHandler(refused::complete);
        third.write(Buffer.buffer("one too many"));

        assertThat(refused.get(10, TimeUnit.SECONDS))
                .hasMessageContaining("the application is not accepting: 2 connections wait already");
        try (TunnelSocket first = listener.accept(Duration.ofSeconds(5));
                TunnelSocket second = listener.accept(Duration.ofSeconds(5))) {
            assertThat(first.source()).isEqualTo("203.0.113.7:41000");
            assertThat(second.source()).isEqualTo("203.0.113.7:41001");
        }
        assertThat(listener.accept(Duration.ofMillis(50))).isNull();
    }

    /** Writes {@code total} pattern bytes in {@code chunk}s, each after the previous one was sent; counts what was sent. */
    private static void sendFrom(MuxStream stream, int offset, int total, int chunk, AtomicLong sent) {
        if (offset >= total) {
            stream.end();
            return;
        }
        int length = Math.min(chunk, total - offset);
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = pattern(offset + i);
        }
        stream.write(Buffer.buffer(bytes)).onSuccess(done -> {
            sent.addAndGet(length);
            sendFrom(stream, offset + length, total, chunk, sent);
        });
    }

    private static byte pattern(int index) {
        return (byte) (index * 31 + (index >>> 8));
    }

    private static CompletableFuture<String> collect(MuxStream stream) {
        CompletableFuture<String> all = new CompletableFuture<>();
        Buffer received = Buffer.buffer();
        stream.handler(received::appendBuffer);
        stream.endHandler(done -> all.complete(received.toString(StandardCharsets.UTF_8)));
        stream.exceptionHandler(all::completeExceptionally);
        return all;
    }
}
