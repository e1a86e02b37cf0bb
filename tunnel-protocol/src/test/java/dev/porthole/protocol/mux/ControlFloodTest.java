package dev.porthole.protocol.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.frame.FrameType;
import dev.porthole.protocol.message.Fin;
import dev.porthole.protocol.message.MessageCodec;
import dev.porthole.protocol.message.Notice;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.Ping;
import dev.porthole.protocol.message.Pong;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.Window;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A peer that floods frames the session must answer or that do no work: what it costs is bounded,
 * and past the bound the connection is closed with a FLOOD reason. The clock is the test's, so
 * the frames' rate is what the test says.
 */
class ControlFloodTest {

    private static final int WINDOW = 8 * 1024;

    private final Vertx vertx = Vertx.vertx();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final RecordingTransport out = new RecordingTransport();
    private final List<String> closed = new CopyOnWriteArrayList<>();
    private final MuxSession session = new MuxSession(
                    vertx.getOrCreateContext(),
                    out,
                    new MuxSettings(16 * 1024, WINDOW, WINDOW, 2, WINDOW),
                    MuxSession.Role.GATEWAY,
                    clock::get)
            .listener(PeerFrames.listener(stream -> stream.reset(ResetCode.FORBIDDEN, "refused"), closed));
    private final PeerFrames peer = new PeerFrames(session);

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void closesAPeerThatFloodsPings() {
        for (int i = 0; i < FloodGuard.IDLE_FRAME_BURST + 10; i++) {
            peer.send(new Ping(i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> out.closedWith != null);
        assertThat(out.closedWith).isEqualTo(CloseCode.PROTOCOL_ERROR);
        assertThat(out.closeReason).startsWith("FLOOD");
        assertThat(out.sentMessages(FrameType.PONG)).hasSizeLessThanOrEqualTo(FloodGuard.IDLE_FRAME_BURST);
    }

    @Test
    void closesAPeerThatFloodsRefusedOpens() {
        for (int i = 0; i < FloodGuard.IDLE_FRAME_BURST + 10; i++) {
            peer.send(new Open(2 * i + 1, "t", "s", null));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> out.closedWith != null);
        assertThat(out.closeReason).startsWith("FLOOD").contains("OPEN");
        // The refusal goes out before the OPEN counts as one that did no work.
        assertThat(out.sentMessages(FrameType.RST)).hasSizeLessThanOrEqualTo(FloodGuard.IDLE_FRAME_BURST + 1);
    }

    @Test
    void closesAPeerThatFloodsFramesThatNeedNoAnswer() {
        for (int i = 0; i < FloodGuard.IDLE_FRAME_BURST + 10; i++) {
            peer.send(i % 2 == 0 ? new Pong(i) : new Notice(Notice.Level.INFO, "x", "hello"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> out.closedWith != null);
        assertThat(out.closeReason).startsWith("FLOOD");
    }

    @Test
    void closesAPeerThatFloodsFramesForClosedStreams() {
        peer.send(new Open(1, "t", "s", null));
        for (int i = 0; i < FloodGuard.IDLE_FRAME_BURST + 10; i++) {
            peer.send(i % 2 == 0 ? new Window(1, 100) : new Fin(1));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> out.closedWith != null);
        assertThat(out.closeReason).startsWith("FLOOD");
    }

    @Test
    void keepsAPeerWhoseFramesStayWithinTheRate() {
        // A heartbeat every millisecond of the test's clock is far above any real agent's and within the rate.
        int frames = 3 * FloodGuard.IDLE_FRAME_BURST;
        for (int i = 0; i < frames; i++) {
            receivePingAMillisecondLater();
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> out.sentMessages(FrameType.PONG).size() == frames);
        assertThat(out.closedWith).isNull();
    }

    @Test
    void closesAPeerThatSendsFramesNeedingAnswersWhileTheWriteQueueIsFull() {
        out.setFull(true);
        int bound = FloodGuard.maxPendingReplies(2);
        // Within the rate (one per millisecond), but never reading the answers.
        for (int i = 0; i < bound + 10; i++) {
            receivePingAMillisecondLater();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> out.closedWith != null);
        assertThat(out.closeReason).startsWith("FLOOD").contains("not reading");
        assertThat(out.sentMessages(FrameType.PONG)).hasSizeLessThanOrEqualTo(bound);
    }

    @Test
    void stopsReadingWhileTheWriteQueueIsFullAndReadsAgainOnceItDrains() {
        session.stopReadingWhileWriteQueueFull();
        out.setFull(true);
        peer.send(new Ping(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> out.readingPaused);
        out.setFull(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> !out.readingPaused);
        assertThat(out.closedWith).isNull();
    }

    /** A PING received one millisecond (of the test's clock) after the one before. */
    private void receivePingAMillisecondLater() {
        session.context().runOnContext(v -> {
            long now = clock.addAndGet(1_000_000L);
            session.receive(PeerFrames.CODEC.encode(MessageCodec.encode(new Ping(now))));
        });
    }
}
