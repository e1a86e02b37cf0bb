package dev.porthole.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    private final FrameCodec codec = new FrameCodec(FrameCodec.MIN_MAX_FRAME_SIZE);

    @Test
    void rejectsAMessageShorterThanTheHeader() {
        for (int length = 0; length < Frame.HEADER_SIZE; length++) {
            assertError(Buffer.buffer(new byte[length]), ProtocolError.TRUNCATED);
        }
    }

    @Test
    void rejectsAFrameLargerThanTheMaximumBeforeLookingAtIt() {
        assertError(Buffer.buffer(new byte[FrameCodec.MIN_MAX_FRAME_SIZE + 1]), ProtocolError.FRAME_TOO_LARGE);
    }

    @Test
    void acceptsAFrameOfExactlyTheMaximum() throws ProtocolException {
        Buffer frame = Buffer.buffer(hex("120000000002"))
                .appendBytes(new byte[FrameCodec.MIN_MAX_FRAME_SIZE - Frame.HEADER_SIZE]);
        assertThat(codec.decode(frame).payload().length()).isEqualTo(codec.maxPayloadSize());
    }

    @Test
    void refusesToEncodeAFrameLargerThanTheMaximum() {
        Frame tooBig = Frame.of(FrameType.DATA, 2, Buffer.buffer(new byte[codec.maxPayloadSize() + 1]));
        assertThatThrownBy(() -> codec.encode(tooBig))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds the maximum");
    }

    @Test
    void aCompositeEncodingHasTheSameBytesAsTheContiguousOne() {
        for (Frame frame : new Frame[] {
            new Frame(FrameType.DATA, Frame.FLAG_FIN, 7, Buffer.buffer("payload")), Frame.of(FrameType.FIN, 9, null)
        }) {
            assertThat(codec.encode(frame, false).getBytes())
                    .isEqualTo(codec.encode(frame, true).getBytes());
        }
        assertThat(codec.encode(Frame.of(FrameType.DATA, 2, Buffer.buffer("ab")), false)
                        .getBytes())
                .isEqualTo(hex("1200000000026162"));
    }

    @Test
    void refusesToEncodeACompositeFrameLargerThanTheMaximum() {
        Frame tooBig = Frame.of(FrameType.DATA, 2, Buffer.buffer(new byte[codec.maxPayloadSize() + 1]));
        assertThatThrownBy(() -> codec.encode(tooBig, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds the maximum");
    }

    @Test
    void rejectsUnknownFrameTypes() {
        assertError(Buffer.buffer(hex("7f0000000002")), ProtocolError.UNKNOWN_FRAME_TYPE);
        assertError(Buffer.buffer(hex("000000000000")), ProtocolError.UNKNOWN_FRAME_TYPE);
    }

    @Test
    void rejectsUndefinedFlags() {
        assertError(Buffer.buffer(hex("120200000002")), ProtocolError.UNKNOWN_FLAGS);
        assertError(Buffer.buffer(hex("068000000000" + "0000000000000000")), ProtocolError.UNKNOWN_FLAGS);
    }

    @Test
    void finIsAllowedOnlyOnOpenResponseAndData() throws ProtocolException {
        assertThat(codec.decode(Buffer.buffer(hex("120100000002" + "61"))).fin())
                .isTrue();
        assertError(Buffer.buffer(hex("130100000002" + "00000001")), ProtocolError.UNKNOWN_FLAGS);
        assertError(Buffer.buffer(hex("140100000002")), ProtocolError.UNKNOWN_FLAGS);
        assertThatThrownBy(
                        () -> codec.encode(new Frame(FrameType.WINDOW, Frame.FLAG_FIN, 2, Buffer.buffer(new byte[4]))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsAStreamFrameOnStreamZero() {
        assertError(Buffer.buffer(hex("120000000000")), ProtocolError.BAD_STREAM_ID);
    }

    @Test
    void rejectsAConnectionFrameOnAStream() {
        assertError(Buffer.buffer(hex("060000000001" + "0000000000000000")), ProtocolError.BAD_STREAM_ID);
    }

    @Test
    void refusesToEncodeAFrameOnTheWrongStream() {
        assertThatThrownBy(() -> codec.encode(Frame.of(FrameType.PING, 3, Buffer.buffer(new byte[8]))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.encode(Frame.of(FrameType.DATA, 0, Buffer.buffer("x"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsStreamIdsAsUnsigned() throws ProtocolException {
        Frame frame = codec.decode(Buffer.buffer(hex("12" + "00" + "ffffffff")));
        assertThat(frame.unsignedStreamId()).isEqualTo(0xFFFFFFFFL);
    }

    @Test
    void refusesAMaximumBelowTheProtocolMinimum() {
        assertThatThrownBy(() -> new FrameCodec(FrameCodec.MIN_MAX_FRAME_SIZE - 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private void assertError(Buffer input, ProtocolError expected) {
        assertThatThrownBy(() -> codec.decode(input))
                .isInstanceOfSatisfying(
                        ProtocolException.class, e -> assertThat(e.error()).isEqualTo(expected));
    }

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
