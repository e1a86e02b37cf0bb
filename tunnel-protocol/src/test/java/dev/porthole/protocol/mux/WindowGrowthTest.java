package dev.porthole.protocol.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.frame.FrameType;
import dev.porthole.protocol.message.ControlMessage;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.Pong;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.Rst;
import dev.porthole.protocol.message.Window;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Receive windows that tune themselves: an agent-side session fed hand-made frames, on a clock the
 * test moves, shows when a stream's window doubles, when it does not, and what bounds it.
 */
class WindowGrowthTest {

    private static final int INITIAL = 16 * 1024;
    private static final int MAX = 64 * 1024;
    private static final long GROWTH_INTERVAL = 2 * WindowBudget.MIN_ROUND_TRIP.toNanos();

    private final Vertx vertx = Vertx.vertx();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final RecordingTransport out = new RecordingTransport();
    private final Map<Integer, MuxStream> streams = new ConcurrentHashMap<>();
    private final MuxSession session = new MuxSession(
                    vertx.getOrCreateContext(),
                    out,
                    new MuxSettings(16 * 1024, INITIAL, MAX, 8, INITIAL),
                    MuxSession.Role.AGENT,
                    clock::get)
            .listener(PeerFrames.listener(
                    stream -> {
                        stream.handler(data -> {});
                        streams.put(stream.id(), stream);
                    },
                    new CopyOnWriteArrayList<>()));
    private final PeerFrames peer = new PeerFrames(session);

    WindowGrowthTest() throws Exception {
        session.peerLimits(INITIAL, 16 * 1024);
    }

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aWindowWhoseHalfIsReadWithinTheGrowthIntervalDoublesUpToTheMaximum() {
        receive(new Open(2, "t", "s", null));
        // Half of 16 KiB read at once: the credit returned (8 KiB) comes with 16 KiB more.
        assertThat(readHalfWindow(2, INITIAL)).isEqualTo(INITIAL / 2 + INITIAL);
        // Half of 32 KiB: 16 KiB back and 32 KiB more, reaching the 64 KiB maximum.
        assertThat(readHalfWindow(2, 2 * INITIAL)).isEqualTo(INITIAL + 2 * INITIAL);
        // At the maximum only what was read comes back.
        assertThat(readHalfWindow(2, MAX)).isEqualTo(MAX / 2);
        assertThat(readHalfWindow(2, MAX)).isEqualTo(MAX / 2);
        assertThat(out.closedWith).isNull();
    }

    @Test
    void aWindowReadSlowerThanTheGrowthIntervalKeepsItsSize() {
        open(2);
        for (int i = 0; i < 4; i++) {
            clock.addAndGet(GROWTH_INTERVAL + 1);
            assertThat(readHalfWindow(2, INITIAL)).isEqualTo(INITIAL / 2);
        }
    }

    @Test
    void theGrownWindowIsEnforcedLikeTheInitialOne() {
        open(2);
        readHalfWindow(2, INITIAL);
        // The peer now holds 8 KiB left of the first grant plus 24 KiB: 32 KiB in all, and not a
        // byte more. The reader stops, so that no more credit goes back.
        streams.get(2).pause();
        receiveData(2, 2 * INITIAL);
        receiveData(2, 1);
        await().until(() -> out.closedWith != null);
        assertThat(out.closedWith).isEqualTo(CloseCode.PROTOCOL_ERROR);
        assertThat(out.closeReason).contains("FLOW_CONTROL");
    }

    @Test
    void aMeasuredRoundTripLongerThanTheLeastOneLengthensTheGrowthInterval() {
        // A heartbeat answered 10 ms after it left: credit takes that long to reach the peer.
        long sent = clock.get();
        clock.addAndGet(Duration.ofMillis(10).toNanos());
        receive(new Pong(sent));
        open(2);
        clock.addAndGet(GROWTH_INTERVAL + 1);
        assertThat(readHalfWindow(2, INITIAL))
                .as("read within two round trips of 10 ms")
                .isEqualTo(INITIAL / 2 + INITIAL);
        clock.addAndGet(Duration.ofMillis(20).toNanos() + 1);
        assertThat(readHalfWindow(2, 2 * INITIAL))
                .as("read in more than two round trips")
                .isEqualTo(INITIAL);
    }

    @Test
    void growthIsBoundedPerConnectionAndGivenBackWhenAStreamCloses() {
        // The budget is four streams at the maximum; the fifth fast stream keeps its initial window.
        for (int id = 2; id <= 8; id += 2) {
            receive(new Open(id, "t", "s", null));
            readHalfWindow(id, INITIAL);
            readHalfWindow(id, 2 * INITIAL);
        }
        receive(new Open(10, "t", "s", null));
        assertThat(readHalfWindow(10, INITIAL)).as("no budget left").isEqualTo(INITIAL / 2);

        receive(new Rst(2, ResetCode.CANCEL, "done"));
        assertThat(readHalfWindow(10, INITIAL))
                .as("stream 2's growth given back")
                .isEqualTo(INITIAL / 2 + INITIAL);
    }

    /** Opens a stream and waits until the session has, so that the clock moves after its start. */
    private void open(int stream) {
        receive(new Open(stream, "t", "s", null));
        await().until(() -> streams.containsKey(stream));
    }

    /** Delivers half of a window of {@code window} bytes on a stream and returns the WINDOW increment that it caused. */
    private int readHalfWindow(int stream, int window) {
        int before = out.sentMessages(FrameType.WINDOW).size();
        receiveData(stream, window / 2);
        await().until(() -> out.sentMessages(FrameType.WINDOW).size() > before);
        List<ControlMessage> windows = out.sentMessages(FrameType.WINDOW);
        assertThat(windows).hasSize(before + 1);
        Window sent = (Window) windows.getLast();
        assertThat(sent.streamId()).isEqualTo(stream);
        return sent.increment();
    }

    private void receive(ControlMessage message) {
        peer.send(message);
    }

    private void receiveData(int stream, int length) {
        peer.sendData(stream, length);
    }
}
