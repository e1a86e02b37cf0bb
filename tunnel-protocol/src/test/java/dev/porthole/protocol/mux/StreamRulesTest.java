package dev.porthole.protocol.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.frame.FrameType;
import dev.porthole.protocol.message.ControlMessage;
import dev.porthole.protocol.message.Fin;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.message.MessageCodec;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.Ping;
import dev.porthole.protocol.message.Pong;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.Rst;
import dev.porthole.protocol.message.Window;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A single agent-side session fed hand-made frames: every rule the peer can break closes or resets as documented. */
class StreamRulesTest {

    private static final int WINDOW = 8 * 1024;

    private final Vertx vertx = Vertx.vertx();
    private final RecordingTransport out = new RecordingTransport();
    private final List<MuxStream> opened = new CopyOnWriteArrayList<>();
    private final List<String> closed = new CopyOnWriteArrayList<>();
    private final MuxSession session = new MuxSession(
                    vertx.getOrCreateContext(),
                    out,
                    new MuxSettings(16 * 1024, WINDOW, WINDOW, 2, WINDOW),
                    MuxSession.Role.AGENT)
            .listener(PeerFrames.listener(opened::add, closed));
    private final PeerFrames peer = new PeerFrames(session);

    StreamRulesTest() throws Exception {
        session.peerLimits(WINDOW, 16 * 1024);
    }

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aStreamCutBeforeItsOpenWentOutIsNeverSentAndLeavesNothingOpen() throws Exception {
        // A grant taken away cuts the session's streams on its context; a visitor's stream opened from
        // another thread a moment before still waits there for its id and its OPEN.
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch openedMeanwhile = new CountDownLatch(1);
        AtomicReference<MuxStream> stream = new AtomicReference<>();
        CompletableFuture<Void> cut = new CompletableFuture<>();
        CompletableFuture<Boolean> localBeforeItsOpen = new CompletableFuture<>();
        session.onContext(() -> {
            running.countDown();
            try {
                openedMeanwhile.await();
                // What decides whether a grant change resets it as a visitor's stream or as a dial.
                localBeforeItsOpen.complete(stream.get().openedLocally());
                stream.get().cut(ResetCode.FORBIDDEN, "the grant was taken away");
                cut.complete(null);
            } catch (InterruptedException | RuntimeException e) {
                cut.completeExceptionally(e);
            }
        });
        running.await();
        stream.set(session.openStream("t", "s", null));
        openedMeanwhile.countDown();

        cut.get(5, TimeUnit.SECONDS);
        assertThat(localBeforeItsOpen.get())
                .as("opened here, though it has no id yet")
                .isTrue();
        CompletableFuture<Void> after = new CompletableFuture<>();
        session.onContext(() -> after.complete(null));
        after.get(5, TimeUnit.SECONDS);
        assertThat(stream.get().isClosed()).isTrue();
        assertThat(out.sentMessages(FrameType.OPEN))
                .as("the peer never hears of it")
                .isEmpty();
        assertThat(out.sentMessages(FrameType.RST)).isEmpty();
        assertThat(session.openStreams()).isZero();
        assertThat(out.closedWith).isNull();
    }

    @Test
    void dataBeyondTheGrantedCreditClosesTheConnectionWithAProtocolError() {
        receive(new Open(2, "t", "s", null));
        receiveData(2, WINDOW);
        receiveData(2, 1);
        await().until(() -> out.closedWith != null);
        assertThat(out.closedWith).isEqualTo(CloseCode.PROTOCOL_ERROR);
        assertThat(out.closeReason).contains("FLOW_CONTROL");
        assertThat(closed).hasSize(1);
    }

    @Test
    void creditReturnedByTheReaderAllowsMoreData() {
        receive(new Open(2, "t", "s", null));
        await().until(() -> opened.size() == 1);
        opened.getFirst().handler(data -> {});
        receiveData(2, WINDOW);
        await().until(() -> !out.sentMessages(FrameType.WINDOW).isEmpty());
        receiveData(2, WINDOW / 2);
        await().until(() -> out.sentMessages(FrameType.WINDOW).size() >= 1);
        assertThat(out.closedWith).isNull();
        Window first = (Window) out.sentMessages(FrameType.WINDOW).getFirst();
        assertThat(first.increment()).isGreaterThanOrEqualTo(WINDOW / 2);
    }

    @Test
    void anOpenBeyondTheStreamLimitIsResetNotAccepted() {
        receive(new Open(2, "t", "s", null));
        receive(new Open(4, "t", "s", null));
        receive(new Open(6, "t", "s", null));
        await().until(() -> !out.sentMessages(FrameType.RST).isEmpty());
        Rst rst = (Rst) out.sentMessages(FrameType.RST).getFirst();
        assertThat(rst.streamId()).isEqualTo(6);
        assertThat(rst.code()).isEqualTo(ResetCode.LIMIT_REACHED);
        assertThat(opened).hasSize(2);
        assertThat(out.closedWith).isNull();
    }

    @Test
    void anOpenWithThisSidesParityIsAProtocolError() {
        receive(new Open(3, "t", "s", null));
        await().until(() -> out.closedWith != null);
        assertThat(out.closeReason).contains("BAD_STREAM_ID");
    }

    @Test
    void anOpenThatReusesAnOlderIdIsAProtocolError() {
        receive(new Open(4, "t", "s", null));
        receive(new Open(2, "t", "s", null));
        await().until(() -> out.closedWith != null);
        assertThat(out.closeReason).contains("BAD_STREAM_ID");
    }

    @Test
    void aFrameForAStreamThatNeverExistedIsAProtocolError() {
        receive(new Window(40, 100));
        await().until(() -> out.closedWith != null);
        assertThat(out.closeReason).contains("BAD_STREAM_ID").contains("never opened");
    }

    @Test
    void framesForAStreamThatAlreadyClosedAreIgnored() {
        receive(new Open(2, "t", "s", null));
        await().until(() -> opened.size() == 1);
        opened.getFirst().reset(ResetCode.CANCEL, "visitor left");
        await().until(() -> !out.sentMessages(FrameType.RST).isEmpty());
        receiveData(2, 100);
        receive(new Fin(2));
        receive(new Ping(1));
        await().until(() -> !out.sentMessages(FrameType.PONG).isEmpty());
        assertThat(out.closedWith).isNull();
    }

    @Test
    void dataAfterFinIsAProtocolError() {
        receive(new Open(2, "t", "s", null));
        receive(new Fin(2));
        receiveData(2, 10);
        await().until(() -> out.closedWith != null);
        assertThat(out.closeReason).contains("UNEXPECTED_FRAME");
    }

    @Test
    void aMalformedFrameClosesTheConnectionOnceAndLaterFramesAreIgnored() {
        vertx.runOnContext(v -> {});
        session.context().runOnContext(v -> {
            session.receive(Buffer.buffer(new byte[] {0x7f, 0, 0, 0, 0, 0}));
            session.receive(Buffer.buffer(new byte[] {0x7f, 0, 0, 0, 0, 0}));
        });
        await().until(() -> out.closedWith != null);
        assertThat(out.closeReason).contains("UNKNOWN_FRAME_TYPE");
        assertThat(closed).hasSize(1);
    }

    @Test
    void aControlMessageThatDoesNotDecodeClosesTheSessionWithAProtocolErrorOnce() {
        Buffer valid = PeerFrames.CODEC.encode(MessageCodec.encode(new Open(
                2,
                "tunnel",
                "10.0.0.1:5000",
                new HttpRequestHead("GET", "/", List.of(new Header("Host", "tunnel.example.com"))))));
        Buffer truncated = valid.getBuffer(0, valid.length() - 3); // the last header value runs past the payload
        session.context().runOnContext(v -> {
            session.receive(truncated);
            session.receive(valid.copy());
        });
        await().until(() -> out.closedWith != null);
        assertThat(out.closedWith).isEqualTo(CloseCode.PROTOCOL_ERROR);
        assertThat(out.closeReason).contains("OPEN");
        assertThat(opened)
                .as("neither the bad OPEN nor the one after it was accepted")
                .isEmpty();
        assertThat(closed).hasSize(1);
    }

    @Test
    void resetFromThePeerFailsTheStreamWithItsReason() {
        receive(new Open(2, "t", "s", null));
        await().until(() -> opened.size() == 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        opened.getFirst().exceptionHandler(failure::set);
        receive(new Rst(2, ResetCode.UPSTREAM_TIMEOUT, "too slow"));
        await().until(() -> failure.get() != null);
        assertThat(failure.get()).isInstanceOfSatisfying(StreamResetException.class, e -> {
            assertThat(e.code()).isEqualTo(ResetCode.UPSTREAM_TIMEOUT);
            assertThat(e.getMessage()).isEqualTo("too slow");
        });
    }

    @Test
    void closeHandlerRunsWhenTheStreamIsReset() {
        List<String> heard = new CopyOnWriteArrayList<>();
        resetStream().closeHandler(() -> heard.add("first"));
        await().until(() -> !heard.isEmpty());
        assertThat(heard).containsExactly("first");
    }

    @Test
    void closeHandlerSetAfterTheResetRunsAtOnce() {
        MuxStream stream = resetStream();
        await().until(stream::isClosed);
        List<String> heard = new CopyOnWriteArrayList<>();
        stream.closeHandler(() -> heard.add("late"));
        assertThat(heard).containsExactly("late");
    }

    /** A stream the peer opened, then reset; returned before the reset is handled. */
    private MuxStream resetStream() {
        receive(new Open(2, "t", "s", null));
        await().until(() -> opened.size() == 1);
        MuxStream stream = opened.getFirst();
        receive(new Rst(2, ResetCode.UPSTREAM_TIMEOUT, "too slow"));
        return stream;
    }

    @Test
    void aWriterThatIgnoresBackPressureHasItsStreamReset() {
        receive(new Open(2, "t", "s", null));
        await().until(() -> opened.size() == 1);
        MuxStream stream = opened.getFirst();
        // No WINDOW ever arrives from this peer: beyond the initial credit everything queues.
        AtomicReference<Throwable> writeFailure = new AtomicReference<>();
        session.context().runOnContext(v -> {
            for (int i = 0; i < 200 && writeFailure.get() == null; i++) {
                stream.write(Buffer.buffer(new byte[1024]), ar -> {
                    if (ar.failed()) {
                        writeFailure.compareAndSet(null, ar.cause());
                    }
                });
            }
        });
        await().until(() -> writeFailure.get() != null);
        assertThat(writeFailure.get()).hasMessageContaining("ignored writeQueueFull");
        await().until(() ->
                out.sentMessages(FrameType.RST).stream().anyMatch(m -> ((Rst) m).code() == ResetCode.STREAM_ERROR));
        assertThat(out.closedWith).isNull();
    }

    @Test
    void answersPingWithPongCarryingTheSameTimestamp() {
        receive(new Ping(123456789L));
        await().until(() -> !out.sentMessages(FrameType.PONG).isEmpty());
        assertThat(out.sentMessages(FrameType.PONG)).containsExactly(new Pong(123456789L));
    }

    @Test
    void aSilentPeerIsClosedByTheHeartbeatTimeout() {
        session.startHeartbeat(Periodic.timersOf(vertx), Duration.ofMillis(50), Duration.ofMillis(300));
        await().atMost(Duration.ofSeconds(5)).until(() -> out.closedWith != null);
        assertThat(out.closedWith).isEqualTo(CloseCode.HEARTBEAT_TIMEOUT);
        assertThat(out.sentMessages(FrameType.PING)).isNotEmpty();
    }

    @Test
    void closingTheConnectionFailsEveryOpenStream() {
        receive(new Open(2, "t", "s", null));
        await().until(() -> opened.size() == 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        opened.getFirst().exceptionHandler(failure::set);
        session.transportClosed(1006, "network gone");
        await().until(() -> failure.get() != null);
        assertThat(((StreamResetException) failure.get()).code()).isEqualTo(ResetCode.CONNECTION_CLOSED);
        assertThat(closed).containsExactly("1006 network gone");
    }

    private void receive(ControlMessage message) {
        peer.send(message);
    }

    private void receiveData(int stream, int length) {
        peer.sendData(stream, length);
    }
}
