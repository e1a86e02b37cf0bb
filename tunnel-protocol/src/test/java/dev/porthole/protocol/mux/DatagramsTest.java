package dev.porthole.protocol.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.frame.FrameType;
import dev.porthole.protocol.message.Datagram;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The DATAGRAM lane: carried both ways once agreed, dropped and counted rather than queued, refused when not agreed. */
class DatagramsTest {

    private static final MuxSettings SETTINGS = new MuxSettings(16 * 1024, 64 * 1024, 64 * 1024, 100, 64 * 1024);

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void carriesDatagramsBothWaysOnceBothSidesTookThem() {
        MuxPair pair = new MuxPair(vertx, SETTINGS, (stream, open) -> {});
        List<String> atGateway = new CopyOnWriteArrayList<>();
        pair.agent
                .datagrams()
                .receiveWith(d -> pair.agent
                        .datagrams()
                        .send(new Datagram(d.flowId(), d.tunnel(), Buffer.buffer("echo " + d.payload()))));
        pair.gateway.datagrams().receiveWith(d -> atGateway.add(d.flowId() + " " + d.tunnel() + " " + d.payload()));

        Datagrams.Outcome outcome = onContext(
                pair.gateway, () -> pair.gateway.datagrams().send(new Datagram(2, "udp-53", Buffer.buffer("hi"))));

        assertThat(outcome).isEqualTo(Datagrams.Outcome.SENT);
        await().until(() -> atGateway.contains("2 udp-53 echo hi"));
        assertThat(pair.gateway.datagrams().sent()).isEqualTo(1);
        assertThat(pair.agent.datagrams().received()).isEqualTo(1);
    }

    @Test
    void dropsAndCountsDatagramsWhileTheWriteQueueIsFull() {
        MuxPair pair = new MuxPair(vertx, SETTINGS, (stream, open) -> {});
        pair.gateway.datagrams().receiveWith(d -> {});
        pair.gatewayOut.setFull(true);

        Datagrams.Outcome outcome =
                onContext(pair.gateway, () -> pair.gateway.datagrams().send(new Datagram(2, "t", Buffer.buffer("x"))));

        assertThat(outcome).isEqualTo(Datagrams.Outcome.QUEUE_FULL);
        assertThat(pair.gateway.datagrams().dropped()).isEqualTo(1);
        assertThat(pair.gatewayOut.sent).noneMatch(f -> f.type() == FrameType.DATAGRAM);
    }

    @Test
    void aDatagramSentFromAnotherThreadAndDroppedThereIsReportedDroppedNotSent() throws Exception {
        MuxPair pair = new MuxPair(vertx, SETTINGS, (stream, open) -> {});
        pair.gateway.datagrams().receiveWith(d -> {});
        onContext(pair.gateway, () -> {
            pair.gatewayOut.setFull(true);
            return null;
        });
        CompletableFuture<Datagrams.Outcome> outcome = new CompletableFuture<>();

        // A UDP socket's handler may run on another event loop than the agent connection's.
        pair.gateway.datagrams().send(new Datagram(2, "t", Buffer.buffer("x")), outcome::complete);

        assertThat(outcome.get(5, TimeUnit.SECONDS)).isEqualTo(Datagrams.Outcome.QUEUE_FULL);
        assertThat(pair.gateway.datagrams().sent()).isZero();
        assertThat(pair.gateway.datagrams().dropped()).isEqualTo(1);
    }

    @Test
    void dropsADatagramLargerThanThePeersFrames() {
        MuxPair pair = new MuxPair(vertx, SETTINGS, (stream, open) -> {});
        pair.gateway.datagrams().receiveWith(d -> {});

        Datagrams.Outcome outcome = onContext(
                pair.gateway,
                () -> pair.gateway.datagrams().send(new Datagram(2, "t", Buffer.buffer(new byte[16 * 1024]))));

        assertThat(outcome).isEqualTo(Datagrams.Outcome.TOO_LARGE);
        assertThat(pair.gateway.datagrams().dropped()).isEqualTo(1);
    }

    @Test
    void closesAConnectionThatSendsDatagramsItNeverAgreedOn() {
        MuxPair pair = new MuxPair(vertx, SETTINGS, (stream, open) -> {});
        // The gateway sends although the agent never said it takes datagrams.
        pair.gateway.datagrams().receiveWith(d -> {});

        onContext(pair.gateway, () -> pair.gateway.datagrams().send(new Datagram(2, "t", Buffer.buffer("x"))));

        await().until(() -> pair.agentOut.closedWith != null);
        assertThat(pair.agentOut.closedWith).isEqualTo(CloseCode.PROTOCOL_ERROR);
        assertThat(pair.agentOut.closeReason).contains("UNEXPECTED_FRAME", "did not agree on udp");
    }

    @Test
    void aDatagramFloodTakesNoRoomFromAStreamsData() throws Exception {
        AtomicLong streamBytes = new AtomicLong();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        MuxPair pair = new MuxPair(vertx, SETTINGS, (stream, open) -> {
            stream.handler(data -> streamBytes.addAndGet(data.length()));
            stream.endHandler(v -> ended.complete(null));
        });
        pair.agent.datagrams().receiveWith(d -> {});
        pair.gateway.datagrams().receiveWith(d -> {});
        MuxStream stream = pair.gateway.openStream("tcp", "test", null);
        int total = 200_000;
        // While the queue is full, 10,000 datagrams are offered next to a stream's writes.
        onContext(pair.gateway, () -> {
            pair.gatewayOut.setFull(true);
            for (int i = 0; i < 10_000; i++) {
                pair.gateway.datagrams().send(new Datagram(2, "udp", Buffer.buffer(new byte[512])));
            }
            stream.write(Buffer.buffer(new byte[total]));
            stream.end();
            return null;
        });
        assertThat(pair.gateway.datagrams().dropped()).isEqualTo(10_000);

        onContext(pair.gateway, () -> {
            pair.gatewayOut.setFull(false);
            return null;
        });

        ended.get(10, TimeUnit.SECONDS);
        assertThat(streamBytes.get()).isEqualTo(total);
        assertThat(pair.gatewayOut.sent).noneMatch(f -> f.type() == FrameType.DATAGRAM);
    }

    private static <T> T onContext(MuxSession session, Supplier<T> action) {
        CompletableFuture<T> result = new CompletableFuture<>();
        session.context().runOnContext(v -> {
            try {
                result.complete(action.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result.join();
    }
}
