package dev.porthole.protocol.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.protocol.frame.FrameType;
import dev.porthole.protocol.message.Capabilities;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.message.MessageCodec;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.Rst;
import dev.porthole.protocol.message.Trailers;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Trailer fields on a stream (gRPC's status travels in them): a TRAILERS frame in place of FIN when
 * both sides announced the capability, a plain FIN towards an older peer, and a peer's trailers
 * that break the field rules reset that stream only.
 */
class TrailersTest {

    private static final int WINDOW = 8 * 1024;
    private static final List<Header> GRPC_OK =
            List.of(new Header("grpc-status", "0"), new Header("x-checksum", "abc"));

    private final Vertx vertx = Vertx.vertx();
    private final RecordingTransport out = new RecordingTransport();
    private final MuxSession session = new MuxSession(
                    vertx.getOrCreateContext(),
                    out,
                    new MuxSettings(16 * 1024, WINDOW, WINDOW, 2, WINDOW),
                    MuxSession.Role.GATEWAY)
            .listener(PeerFrames.listener(stream -> {}, new CopyOnWriteArrayList<>()));
    private final PeerFrames peer = new PeerFrames(session);

    TrailersTest() throws Exception {
        session.peerLimits(WINDOW, 16 * 1024);
    }

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void trailersAreEncodedAsPinnedBytes() {
        assertThat(HexFormat.of()
                        .formatHex(MessageCodec.encode(new Trailers(2, List.of(new Header("grpc-status", "0"))))
                                .payload()
                                .getBytes()))
                .isEqualTo("0001" + "000b" + HexFormat.of().formatHex("grpc-status".getBytes()) + "0001" + "30");
        assertThat(FrameType.TRAILERS.code()).isEqualTo(0x16);
    }

    @Test
    void aStreamEndsWithItsTrailersWhenBothSidesAgreed() throws Exception {
        session.agreedCapabilities(Set.of(Capabilities.TRAILERS));
        MuxStream stream = open();
        stream.end(GRPC_OK).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(out.sentMessages(FrameType.TRAILERS)).singleElement().isEqualTo(new Trailers(stream.id(), GRPC_OK));
        assertThat(out.sentMessages(FrameType.FIN)).isEmpty();
    }

    @Test
    void anOlderPeerGetsAPlainFin() throws Exception {
        MuxStream stream = open();
        stream.end(GRPC_OK).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(out.sentMessages(FrameType.TRAILERS)).isEmpty();
        assertThat(out.sentMessages(FrameType.FIN)).hasSize(1);
    }

    @Test
    void thePeersTrailersAreThereWhenTheEndIsDelivered() throws Exception {
        MuxStream stream = open();
        CompletableFuture<List<Header>> atEnd = new CompletableFuture<>();
        stream.handler(data -> {});
        stream.endHandler(ignored -> atEnd.complete(stream.trailers()));
        peer.sendData(stream.id(), 10);
        peer.send(new Trailers(stream.id(), GRPC_OK));
        assertThat(atEnd.get(10, TimeUnit.SECONDS)).isEqualTo(GRPC_OK);
    }

    @Test
    void trailersThatBreakTheRulesResetOnlyTheirStream() throws Exception {
        List<List<Header>> bad = List.of(
                List.of(new Header(":status", "200")),
                List.of(new Header("Connection", "close")),
                List.of(new Header("Content-Length", "5")),
                List.of(new Header("grpc-message", "split\r\nX-Injected: 1")),
                java.util.stream.IntStream.rangeClosed(0, 64)
                        .mapToObj(i -> new Header("x-" + i, "v"))
                        .toList());
        for (List<Header> fields : bad) {
            MuxStream stream = open();
            CompletableFuture<Throwable> failed = new CompletableFuture<>();
            stream.exceptionHandler(failed::complete);
            peer.send(new Trailers(stream.id(), fields));
            assertThat(failed.get(10, TimeUnit.SECONDS)).isInstanceOf(StreamResetException.class);
            await().until(() -> out.sentMessages(FrameType.RST).stream()
                    .anyMatch(rst ->
                            ((Rst) rst).streamId() == stream.id() && ((Rst) rst).code() == ResetCode.STREAM_ERROR));
        }
        assertThat(out.closedWith).as("streams are reset, the connection lives").isNull();
    }

    private MuxStream open() throws Exception {
        Promise<MuxStream> opened = Promise.promise();
        session.context()
                .runOnContext(v -> opened.complete(
                        session.openStream("t", "1.2.3.4", new HttpRequestHead("POST", "/", List.of()))));
        return opened.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
