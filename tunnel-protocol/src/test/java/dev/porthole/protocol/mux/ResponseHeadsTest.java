package dev.porthole.protocol.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.protocol.frame.FrameType;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.message.HttpResponseHead;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.Response;
import dev.porthole.protocol.message.Rst;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Response heads that reach a gateway-side stream before its reader set a handler are kept in the
 * order they came, never merged into one: a reader must see a second head to refuse it.
 */
class ResponseHeadsTest {

    private static final int WINDOW = 8 * 1024;

    private final Vertx vertx = Vertx.vertx();
    private final RecordingTransport out = new RecordingTransport();
    private final MuxSession session = new MuxSession(
                    vertx.getOrCreateContext(),
                    out,
                    new MuxSettings(16 * 1024, WINDOW, WINDOW, 2, WINDOW),
                    MuxSession.Role.GATEWAY)
            .listener(PeerFrames.listener(stream -> {}, new CopyOnWriteArrayList<>()));
    private final PeerFrames peer = new PeerFrames(session);

    ResponseHeadsTest() throws Exception {
        session.peerLimits(WINDOW, 16 * 1024);
    }

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void headsThatArriveBeforeTheHandlerAreAllDeliveredInOrder() throws Exception {
        MuxStream stream = open();
        HttpResponseHead first = new HttpResponseHead(200, "OK", List.of());
        HttpResponseHead second = new HttpResponseHead(200, "OK", List.of(new Header("X-Injected", "by-agent")));
        peer.send(new Response(stream.id(), first));
        peer.send(new Response(stream.id(), second));
        settle();

        List<HttpResponseHead> seen = new CopyOnWriteArrayList<>();
        stream.responseHandler(seen::add);
        settle();
        assertThat(seen).containsExactly(first, second);
    }

    @Test
    void aPeerThatPilesUpHeadsBeforeTheHandlerHasTheStreamReset() throws Exception {
        MuxStream stream = open();
        for (int i = 0; i <= MuxStream.MAX_UNREAD_HEADS; i++) {
            peer.send(new Response(stream.id(), new HttpResponseHead(103, "Early Hints", List.of())));
        }
        await().until(() -> !out.sentMessages(FrameType.RST).isEmpty());
        Rst rst = (Rst) out.sentMessages(FrameType.RST).getFirst();
        assertThat(rst.streamId()).isEqualTo(stream.id());
        assertThat(rst.code()).isEqualTo(ResetCode.STREAM_ERROR);
        assertThat(out.closedWith)
                .as("one stream is reset, the connection lives")
                .isNull();
    }

    private MuxStream open() throws Exception {
        Promise<MuxStream> opened = Promise.promise();
        session.context()
                .runOnContext(v -> opened.complete(
                        session.openStream("t", "1.2.3.4", new HttpRequestHead("GET", "/", List.of()))));
        return opened.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Every frame queued so far has been handled: the session's context ran a task queued after them. */
    private void settle() throws Exception {
        Promise<Void> done = Promise.promise();
        session.context().runOnContext(v -> done.complete());
        done.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
