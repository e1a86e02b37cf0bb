package dev.porthole.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porthole.protocol.frame.Frame;
import dev.porthole.protocol.frame.FrameCodec;
import dev.porthole.protocol.frame.FrameType;
import dev.porthole.protocol.frame.ProtocolError;
import dev.porthole.protocol.frame.ProtocolException;
import io.vertx.core.buffer.Buffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The DATAGRAM frame: pinned bytes, and every malformed payload a typed error. */
class DatagramFrameTest {

    private static final FrameCodec CODEC = new FrameCodec(FrameCodec.DEFAULT_MAX_FRAME_SIZE);
    private static final String GOLDEN = "08 00 00000000 00000002 0006 7564702d3533 6869";

    @Test
    void encodesToItsPinnedBytes() {
        Datagram datagram = new Datagram(2, "udp-53", Buffer.buffer("hi"));
        Buffer encoded = CODEC.encode(datagram.encode());
        assertThat(HexFormat.of().formatHex(encoded.getBytes())).isEqualTo(GOLDEN.replace(" ", ""));
        assertThat(encoded.length()).isEqualTo(datagram.encodedSize());
    }

    @Test
    void decodesThePinnedBytesBack() throws ProtocolException {
        Datagram decoded = Datagram.decode(CODEC.decode(bytes(GOLDEN)));
        assertThat(decoded.flowId()).isEqualTo(2);
        assertThat(decoded.tunnel()).isEqualTo("udp-53");
        assertThat(decoded.payload().toString()).isEqualTo("hi");
    }

    @Test
    void anEmptyDatagramTravels() throws ProtocolException {
        Datagram decoded = Datagram.decode(new Datagram(-2, "t", Buffer.buffer()).encode());
        assertThat(decoded.flowId()).isEqualTo(-2);
        assertThat(decoded.payload().length()).isZero();
    }

    @Test
    void refusesFlowZero() {
        assertError("00000000 0001 61", ProtocolError.BAD_FIELD, "flow id 0");
    }

    @Test
    void refusesATruncatedFlowIdOrTunnel() {
        assertError("000000", ProtocolError.TRUNCATED, "DATAGRAM ends before a 32-bit field");
        assertError("00000002 0009 61", ProtocolError.TRUNCATED, "a string of 9 bytes");
    }

    @Test
    void refusesATunnelNameThatIsNotUtf8() {
        assertError("00000002 0001 ff", ProtocolError.BAD_FIELD, "not valid UTF-8");
    }

    @Test
    void refusesFlagsAndAStreamId() {
        assertThatThrownBy(() -> CODEC.decode(bytes("08 01 00000000 00000002 0000")))
                .isInstanceOfSatisfying(
                        ProtocolException.class, e -> assertThat(e.error()).isEqualTo(ProtocolError.UNKNOWN_FLAGS));
        assertThatThrownBy(() -> CODEC.decode(bytes("08 00 00000003 00000002 0000")))
                .isInstanceOfSatisfying(
                        ProtocolException.class, e -> assertThat(e.error()).isEqualTo(ProtocolError.BAD_STREAM_ID));
    }

    @Test
    void isNoControlMessage() {
        Frame frame = new Datagram(2, "t", Buffer.buffer("x")).encode();
        assertThatThrownBy(() -> MessageCodec.decode(frame))
                .isInstanceOfSatisfying(
                        ProtocolException.class, e -> assertThat(e.error()).isEqualTo(ProtocolError.UNEXPECTED_FRAME));
    }

    private static void assertError(String payloadHex, ProtocolError error, String text) {
        Frame frame = new Frame(FrameType.DATAGRAM, 0, 0, bytes(payloadHex));
        assertThatThrownBy(() -> Datagram.decode(frame))
                .isInstanceOfSatisfying(
                        ProtocolException.class, e -> assertThat(e.error()).isEqualTo(error))
                .hasMessageContaining(text);
    }

    private static Buffer bytes(String hex) {
        return Buffer.buffer(HexFormat.of().parseHex(hex.replace(" ", "")));
    }
}
