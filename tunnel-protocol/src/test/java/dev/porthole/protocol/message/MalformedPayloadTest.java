package dev.porthole.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porthole.protocol.frame.Frame;
import dev.porthole.protocol.frame.FrameCodec;
import dev.porthole.protocol.frame.FrameType;
import dev.porthole.protocol.frame.ProtocolError;
import dev.porthole.protocol.frame.ProtocolException;
import io.vertx.core.buffer.Buffer;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every malformed control payload yields a typed {@link ProtocolException}, never another exception. */
class MalformedPayloadTest {

    @Test
    void everyTruncationOfEveryMessageIsReportedAsTruncated() {
        for (ControlMessage message : SampleMessages.all()) {
            Frame full = MessageCodec.encode(message);
            for (int cut = 0; cut < full.payload().length(); cut++) {
                Frame truncated = new Frame(
                        full.type(), 0, full.streamId(), full.payload().slice(0, cut));
                assertThatThrownBy(() -> MessageCodec.decode(truncated))
                        .as("%s cut at %d", message.type(), cut)
                        .isInstanceOfSatisfying(
                                ProtocolException.class,
                                e -> assertThat(e.error()).isEqualTo(ProtocolError.TRUNCATED));
            }
        }
    }

    @Test
    void bytesAfterTheLastFieldAreRejected() {
        for (ControlMessage message : SampleMessages.all()) {
            Frame full = MessageCodec.encode(message);
            Frame longer = new Frame(
                    full.type(), 0, full.streamId(), full.payload().copy().appendByte((byte) 0));
            assertError(longer, ProtocolError.TRAILING_BYTES);
        }
    }

    @Test
    void aListCountLargerThanTheRemainingBytesIsRejectedWithoutAllocatingIt() {
        // OPEN whose header list claims 65535 entries in a 2-byte remainder.
        Buffer payload = Buffer.buffer(
                hex("0001" + "61" + "0001" + "62" + "01" + "0001" + "47" + "0001" + "2f" + "ffff" + "0000"));
        assertError(new Frame(FrameType.OPEN, 0, 2, payload), ProtocolError.TRUNCATED);
    }

    @Test
    void aStringLengthBeyondThePayloadIsRejected() {
        assertError(
                new Frame(FrameType.GOAWAY, 0, 0, Buffer.buffer(hex("03e9" + "ffff" + "61"))), ProtocolError.TRUNCATED);
    }

    @Test
    void invalidUtf8IsRejected() {
        assertError(
                new Frame(FrameType.GOAWAY, 0, 0, Buffer.buffer(hex("03e9" + "0002" + "c328"))),
                ProtocolError.BAD_FIELD);
    }

    @Test
    void aZeroWindowIncrementIsRejected() {
        assertError(new Frame(FrameType.WINDOW, 0, 2, Buffer.buffer(hex("00000000"))), ProtocolError.BAD_FIELD);
    }

    @Test
    void aWindowIncrementAboveTwoToTheThirtyOneIsRejected() {
        assertError(new Frame(FrameType.WINDOW, 0, 2, Buffer.buffer(hex("80000000"))), ProtocolError.BAD_FIELD);
    }

    @Test
    void unknownEnumCodesAreRejected() {
        assertError(new Frame(FrameType.RST, 0, 2, Buffer.buffer(hex("0063" + "0000"))), ProtocolError.BAD_FIELD);
        assertError(
                new Frame(FrameType.NOTICE, 0, 0, Buffer.buffer(hex("09" + "0000" + "0000"))), ProtocolError.BAD_FIELD);
        Buffer hello = MessageCodec.encode(SampleMessages.HELLO).payload().copy();
        int kindOffset = hello.length() - (1 + 2 + 3 + 2 + 1 + 2 + 14);
        hello.setUnsignedByte(kindOffset, (short) 9);
        assertError(new Frame(FrameType.HELLO, 0, 0, hello), ProtocolError.BAD_FIELD);
    }

    @Test
    void aBooleanOtherThanZeroOrOneIsRejected() {
        assertError(
                new Frame(FrameType.OPEN, 0, 2, Buffer.buffer(hex("0001" + "61" + "0001" + "62" + "02"))),
                ProtocolError.BAD_FIELD);
    }

    @Test
    void anHttpStatusOutOfRangeIsRejected() {
        assertError(
                new Frame(FrameType.RESPONSE, 0, 2, Buffer.buffer(hex("0063" + "0000" + "0000"))),
                ProtocolError.BAD_FIELD);
    }

    @Test
    void aResponseHeadThatBreaksRfc9110FailsOnlyItsStream() {
        List<HttpResponseHead> heads = List.of(
                new HttpResponseHead(200, "OK\r\nX-Injected: 1", List.of()),
                new HttpResponseHead(200, "OK", List.of(new Header("X-A", "a\nb"))),
                new HttpResponseHead(200, "OK", List.of(new Header("X-A", "nul\0"))),
                new HttpResponseHead(200, "OK", List.of(new Header("X-A", " leading space"))),
                new HttpResponseHead(200, "OK", List.of(new Header("X A", "v"))),
                new HttpResponseHead(200, "OK", List.of(new Header("X-A:", "v"))),
                new HttpResponseHead(200, "OK", List.of(new Header("", "v"))));
        for (HttpResponseHead head : heads) {
            Frame frame = MessageCodec.encode(new Response(6, head, false));
            assertThatThrownBy(() -> MessageCodec.decode(frame))
                    .as(head.toString())
                    .isInstanceOfSatisfying(ProtocolException.class, e -> {
                        assertThat(e.error()).isEqualTo(ProtocolError.MALFORMED_HEAD);
                        assertThat(e.streamId()).isEqualTo(6);
                        assertThat(e.getMessage())
                                .as("the peer's text is not repeated")
                                .doesNotContain("Injected")
                                .doesNotContain("\n");
                    });
        }
        HttpResponseHead allowed =
                new HttpResponseHead(200, "OK \u00e9t\u00e9", List.of(new Header("X-A", "tab\tand obs-text \u00e9")));
        assertThatCode(() -> MessageCodec.decode(MessageCodec.encode(new Response(6, allowed, false))))
                .doesNotThrowAnyException();
    }

    @Test
    void dataIsNotAControlMessage() {
        assertError(new Frame(FrameType.DATA, 0, 2, Buffer.buffer("x")), ProtocolError.UNEXPECTED_FRAME);
    }

    @Test
    void aHeadTooLargeForOneFrameCannotBeEncoded() {
        String huge = "x".repeat(FrameCodec.DEFAULT_MAX_FRAME_SIZE);
        Frame frame = MessageCodec.encode(new GoAway(1000, huge.substring(0, 65000)));
        assertThatThrownBy(() -> new FrameCodec(FrameCodec.DEFAULT_MAX_FRAME_SIZE)
                        .encode(new Frame(frame.type(), 0, 0, frame.payload().appendBuffer(Buffer.buffer(huge)))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertError(Frame frame, ProtocolError expected) {
        assertThatThrownBy(() -> MessageCodec.decode(frame))
                .isInstanceOfSatisfying(
                        ProtocolException.class, e -> assertThat(e.error()).isEqualTo(expected));
    }

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
