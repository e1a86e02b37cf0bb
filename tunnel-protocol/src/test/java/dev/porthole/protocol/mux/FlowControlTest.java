package dev.porthole.protocol.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Credit-based flow control: bytes arrive intact, a slow reader stalls only its own stream, memory stays bounded. */
class FlowControlTest {

    private static final int WINDOW = 64 * 1024;
    private static final MuxSettings SETTINGS = new MuxSettings(16 * 1024, WINDOW, WINDOW, 100, WINDOW);

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void carriesBytesIntactBothWaysOnManyStreamsAtOnce() throws Exception {
        // The agent echoes every stream back: pipe the stream into itself (FIN follows the data).
        MuxPair pair = new MuxPair(vertx, SETTINGS, (stream, open) -> stream.pipeTo(stream));
        Random random = new Random(7);
        List<CompletableFuture<byte[]>> echoes = new ArrayList<>();
        List<byte[]> sentDigests = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            byte[] payload = new byte[300_000 + random.nextInt(200_000)];
            random.nextBytes(payload);
            sentDigests.add(MessageDigest.getInstance("SHA-256").digest(payload));
            MuxStream stream = pair.gateway.openStream("t", "test", null);
            echoes.add(collect(stream));
            writeAll(stream, payload, 7_000);
        }
        for (int i = 0; i < echoes.size(); i++) {
            byte[] echoed = echoes.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(MessageDigest.getInstance("SHA-256").digest(echoed))
                    .as("stream %d", i)
                    .isEqualTo(sentDigests.get(i));
        }
        await().until(() -> pair.gateway.openStreams() == 0 && pair.agent.openStreams() == 0);
    }

    @Test
    void aPausedReaderStopsItsSenderAtTheGrantedWindowWhileOtherStreamsFlow() throws Exception {
        AtomicReference<MuxStream> slowAgentSide = new AtomicReference<>();
        AtomicLong fastReceived = new AtomicLong();
        MuxPair pair = new MuxPair(vertx, SETTINGS, (stream, open) -> {
            if (open.tunnel().equals("slow")) {
                stream.pause();
                stream.handler(data -> {});
                slowAgentSide.set(stream);
            } else {
                stream.handler(data -> fastReceived.addAndGet(data.length()));
            }
        });
        MuxStream slow = pair.gateway.openStream("slow", "test", null);
        // Write twice the window: one window crosses, the rest waits for credit that never comes.
        long slowTotal = 2L * WINDOW + 8192;
        AtomicLong slowWritten = new AtomicLong();
        pair.gateway.context().runOnContext(v -> {
            for (long written = 0; written < slowTotal; written += 4096) {
                slow.write(Buffer.buffer(new byte[4096]));
                slowWritten.addAndGet(4096);
            }
        });
        await().until(() -> pair.gatewayOut.dataBytesSent(slow.id()) == WINDOW);

        // Another stream on the same connection moves 4 MiB while the slow one is stalled.
        MuxStream fast = pair.gateway.openStream("fast", "test", null);
        writeAll(fast, new byte[4 * 1024 * 1024], 16 * 1024);
        await().atMost(Duration.ofSeconds(20)).until(() -> fastReceived.get() == 4 * 1024 * 1024);

        // The stalled stream never got more than its window across, and its writer saw back-pressure.
        assertThat(pair.gatewayOut.dataBytesSent(slow.id())).isEqualTo(WINDOW);
        assertThat(slow.writeQueueFull()).isTrue();

        // Once the reader resumes, everything that was written arrives.
        AtomicLong slowReceived = new AtomicLong();
        MuxStream agentSide = slowAgentSide.get();
        agentSide.handler(data -> slowReceived.addAndGet(data.length()));
        agentSide.resume();
        await().until(() -> slowReceived.get() == slowWritten.get());
    }

    @Test
    void drainHandlerFiresOnceCreditReturns() {
        AtomicReference<MuxStream> agentSide = new AtomicReference<>();
        MuxPair pair = new MuxPair(vertx, SETTINGS, (stream, open) -> {
            stream.pause();
            stream.handler(data -> {});
            agentSide.set(stream);
        });
        MuxStream stream = pair.gateway.openStream("t", "test", null);
        CompletableFuture<Void> drained = new CompletableFuture<>();
        pair.gateway.context().runOnContext(v -> {
            for (int i = 0; i < 3 * WINDOW / 8192; i++) {
                stream.write(Buffer.buffer(new byte[8192]));
            }
            assertThat(stream.writeQueueFull()).isTrue();
            stream.drainHandler(ignored -> drained.complete(null));
        });
        await().until(() -> agentSide.get() != null && pair.gatewayOut.dataBytesSent(stream.id()) == WINDOW);
        assertThat(drained).isNotDone();
        agentSide.get().resume();
        await().until(drained::isDone);
    }

    @Test
    void aFullTransportHoldsDataUntilItDrains() {
        AtomicLong received = new AtomicLong();
        MuxPair pair = new MuxPair(
                vertx, SETTINGS, (stream, open) -> stream.handler(data -> received.addAndGet(data.length())));
        pair.gatewayOut.setFull(true);
        MuxStream stream = pair.gateway.openStream("t", "test", null);
        stream.write(Buffer.buffer(new byte[10_000]));
        await().until(() -> pair.agent.openStreams() == 1);
        assertThat(pair.gatewayOut.dataBytesSent(stream.id())).isZero();
        pair.gateway.context().runOnContext(v -> pair.gatewayOut.setFull(false));
        await().until(() -> received.get() == 10_000);
    }

    @Test
    void aWriteAndTheEndInOneTaskLeaveAsOneDataFrameWithFin() {
        CompletableFuture<String> received = new CompletableFuture<>();
        MuxPair pair = new MuxPair(vertx, SETTINGS, (stream, open) -> {
            Buffer all = Buffer.buffer();
            stream.handler(all::appendBuffer);
            stream.endHandler(v -> received.complete(all.toString()));
        });
        MuxStream stream = pair.gateway.openStream("t", "test", null);
        pair.gateway.context().runOnContext(v -> {
            stream.write(Buffer.buffer("small "));
            stream.write(Buffer.buffer("response"));
            stream.end();
        });
        assertThat(received.join()).isEqualTo("small response");
        assertThat(pair.gatewayOut.sent)
                .filteredOn(f -> f.type() == dev.porthole.protocol.frame.FrameType.FIN)
                .isEmpty();
        assertThat(pair.gatewayOut.sent)
                .filteredOn(f -> f.type() == dev.porthole.protocol.frame.FrameType.DATA)
                .last()
                .satisfies(f -> assertThat(f.fin()).isTrue());
    }

    @Test
    void aStreamOpenedWithFinSendsNoFinFrameAndThePeerSeesItsEnd() {
        CompletableFuture<Void> ended = new CompletableFuture<>();
        MuxPair pair = new MuxPair(vertx, SETTINGS, (stream, open) -> {
            stream.handler(data -> {});
            stream.endHandler(v -> ended.complete(null));
        });
        pair.gateway.openStream("t", "test", null, true);
        ended.join();
        assertThat(pair.gatewayOut.sent)
                .extracting(dev.porthole.protocol.frame.Frame::type)
                .containsExactly(dev.porthole.protocol.frame.FrameType.OPEN);
    }

    @Test
    void aDrainHandlerRegisteredAfterTheQueueEmptiedStillFires() {
        MuxPair pair = new MuxPair(vertx, SETTINGS, (stream, open) -> stream.handler(data -> {}));
        MuxStream stream = pair.gateway.openStream("t", "test", null);
        CompletableFuture<Void> drained = new CompletableFuture<>();
        // The writer saw a full queue, then the queue drained before it registered its handler.
        pair.gateway.context().runOnContext(v -> {
            for (int i = 0; i < 8; i++) {
                stream.write(Buffer.buffer(new byte[8192]));
            }
            assertThat(stream.writeQueueFull()).isTrue();
        });
        await().until(() -> pair.gatewayOut.dataBytesSent(stream.id()) == 8 * 8192L);
        stream.drainHandler(v -> drained.complete(null));
        await().until(drained::isDone);
    }

    private static CompletableFuture<byte[]> collect(MuxStream stream) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Buffer all = Buffer.buffer();
        stream.handler(all::appendBuffer);
        stream.endHandler(v -> result.complete(all.getBytes()));
        stream.exceptionHandler(result::completeExceptionally);
        return result;
    }

    /** Writes in chunks, honouring writeQueueFull/drainHandler like a Vert.x pipe, then ends the stream. */
    private static void writeAll(MuxStream stream, byte[] payload, int chunk) {
        ConcurrentHashMap<String, Integer> position = new ConcurrentHashMap<>();
        position.put("p", 0);
        Runnable[] pump = new Runnable[1];
        pump[0] = () -> {
            int offset = position.get("p");
            while (offset < payload.length && !stream.writeQueueFull()) {
                int end = Math.min(payload.length, offset + chunk);
                stream.write(Buffer.buffer(java.util.Arrays.copyOfRange(payload, offset, end)));
                offset = end;
            }
            position.put("p", offset);
            if (offset >= payload.length) {
                stream.end();
            } else {
                stream.drainHandler(v -> pump[0].run());
            }
        };
        stream.session().context().runOnContext(v -> pump[0].run());
    }
}
