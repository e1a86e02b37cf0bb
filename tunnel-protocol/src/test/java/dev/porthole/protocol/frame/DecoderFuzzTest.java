package dev.porthole.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.protocol.message.ControlMessage;
import dev.porthole.protocol.message.MessageCodec;
import dev.porthole.protocol.message.SampleMessages;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Feeds random bytes and random mutations of valid frames to the decoders with a fixed seed: each
 * input either decodes or fails with a {@link ProtocolException}. Any other exception escaping is
 * a bug (it would become an exception loop or a crash in the receiving session).
 */
class DecoderFuzzTest {

    private static final long SEED = 0xF022_2026L;
    private static final int ITERATIONS = 300_000;

    private final FrameCodec codec = new FrameCodec(FrameCodec.DEFAULT_MAX_FRAME_SIZE);

    @Test
    void noInputMakesTheDecoderThrowAnythingButAProtocolException() {
        Random random = new Random(SEED);
        List<ControlMessage> samples = SampleMessages.all();
        int decoded = 0;
        int rejected = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            Buffer input = (i % 4 == 0)
                    ? randomBytes(random)
                    : mutate(codec.encode(MessageCodec.encode(samples.get(random.nextInt(samples.size())))), random);
            try {
                Frame frame = codec.decode(input);
                if (frame.type() != FrameType.DATA) {
                    MessageCodec.decode(frame);
                }
                decoded++;
            } catch (ProtocolException expected) {
                rejected++;
            }
        }
        // Both outcomes must occur, or the mutations are not exercising the decoder.
        assertThat(decoded).isPositive();
        assertThat(rejected).isPositive();
    }

    private static Buffer randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(64)];
        random.nextBytes(bytes);
        if (bytes.length > 0 && random.nextBoolean()) {
            // Make the type byte a known one more often, to get past the first check.
            bytes[0] = (byte) FrameType.values()[random.nextInt(FrameType.values().length)].code();
        }
        if (bytes.length > 1 && random.nextBoolean()) {
            bytes[1] = 0;
        }
        return Buffer.buffer(bytes);
    }

    private static Buffer mutate(Buffer valid, Random random) {
        byte[] bytes = valid.getBytes();
        switch (random.nextInt(4)) {
            case 0 -> bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            case 1 -> {
                int position = Frame.HEADER_SIZE + random.nextInt(Math.max(1, bytes.length - Frame.HEADER_SIZE));
                if (position < bytes.length) {
                    bytes[position] = (byte) 0xFF;
                }
            }
            case 2 -> {
                byte[] shorter = new byte[random.nextInt(bytes.length + 1)];
                System.arraycopy(bytes, 0, shorter, 0, shorter.length);
                return Buffer.buffer(shorter);
            }
            default -> {
                return Buffer.buffer(bytes).appendBytes(new byte[1 + random.nextInt(8)]);
            }
        }
        return Buffer.buffer(bytes);
    }
}
