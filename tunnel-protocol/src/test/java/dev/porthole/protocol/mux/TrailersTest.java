package dev.porthole.protocol.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.protocol.frame.FrameType;
import dev.porthole.protocol.message.Capabilities;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.MessageCodec;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.Rst;
import dev.porthole.protocol.message.Trailers;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Trailer fields on a stream (gRPC's status travels in them): a TRAILERS frame in place of FIN when
 * both sides announced the capability, a plain FIN towards an older peer, and a peer's trailers
 * that break the field rules reset that stream only.
 */
class TrailersTest {

    private static final List<Header> GRPC_OK =
            List.of(new Header("grpc-status", "0"), new Header("x-checksum", "abc"));

    private final HandDrivenGateway gateway = new HandDrivenGateway();
    private final RecordingTransport out = gateway.out;
    private final MuxSession session = gateway.session;
    private final PeerFrames peer = gateway.peer;

    TrailersTest() throws Exception {}

    @AfterEach
    void close() {
        gateway.close();
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
        MuxStream stream = gateway.open("POST");
        stream.end(GRPC_OK).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(out.sentMessages(FrameType.TRAILERS)).singleElement().isEqualTo(new Trailers(stream.id(), GRPC_OK));
        assertThat(out.sentMessages(FrameType.FIN)).isEmpty();
    }

    @Test
    void anOlderPeerGetsAPlainFin() throws Exception {
        MuxStream stream = gateway.open("POST");
        stream.end(GRPC_OK).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(out.sentMessages(FrameType.TRAILERS)).isEmpty();
        assertThat(out.sentMessages(FrameType.FIN)).hasSize(1);
    }

    @Test
    void thePeersTrailersAreThereWhenTheEndIsDelivered() throws Exception {
        MuxStream stream = gateway.open("POST");
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
            MuxStream stream = gateway.open("POST");
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
}
