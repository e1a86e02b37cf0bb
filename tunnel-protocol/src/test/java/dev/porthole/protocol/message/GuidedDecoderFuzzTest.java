package dev.porthole.protocol.message;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.porthole.protocol.frame.Frame;
import dev.porthole.protocol.frame.FrameCodec;
import dev.porthole.protocol.frame.FrameType;
import dev.porthole.protocol.frame.ProtocolException;
import io.vertx.core.buffer.Buffer;

/**
 * Whatever bytes a peer sends, the frame and payload decoders either give a frame and a message or
 * refuse them with a {@link ProtocolException} naming the rule; any other exception (an index out
 * of bounds, a null, an overflow, an exhausted heap) is a finding.
 * {@code frame.DecoderFuzzTest} tries random and mutated inputs from a fixed seed; this one is led
 * by the coverage each input reaches (Jazzer).
 *
 * <p>{@code mvn test} runs the inputs kept in {@code GuidedDecoderFuzzTestInputs/} (valid frames of
 * every type, and every finding so far) as a regression test. Fuzzing proper, led by coverage,
 * runs with {@code JAZZER_FUZZ=1} (see docs/security.md, "Fuzzing"); what it finds lands in that
 * directory, and belongs in the repository once fixed.
 */
class GuidedDecoderFuzzTest {

    private static final FrameCodec CODEC = new FrameCodec(FrameCodec.DEFAULT_MAX_FRAME_SIZE);

    @FuzzTest(maxDuration = "60s")
    void aFrameFromThePeerDecodesOrIsRefusedWithAProtocolError(byte[] bytes) {
        try {
            Frame frame = CODEC.decode(Buffer.buffer(bytes));
            if (frame.type() != FrameType.DATA) {
                ControlMessage message = MessageCodec.decode(frame);
                // What the gateway does with a message next: its text may be logged, its head relayed.
                message.toString();
            }
        } catch (ProtocolException refused) {
            // The expected way to say no.
        }
    }
}
