package dev.porthole.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.protocol.frame.Frame;
import dev.porthole.protocol.frame.FrameCodec;
import dev.porthole.protocol.frame.FrameType;
import dev.porthole.protocol.frame.ProtocolException;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Randomized round trips with a fixed seed: whatever we encode, we decode to the same value. */
class RoundTripTest {

    private static final long SEED = 0x5EED_2026L;
    private final FrameCodec codec = new FrameCodec(FrameCodec.DEFAULT_MAX_FRAME_SIZE);

    @Test
    void randomControlMessagesSurviveEncodeAndDecode() throws ProtocolException {
        Random random = new Random(SEED);
        for (int i = 0; i < 20_000; i++) {
            ControlMessage message = SampleMessages.random(random);
            Buffer wire = codec.encode(MessageCodec.encode(message));
            assertThat(MessageCodec.decode(codec.decode(wire)))
                    .as("iteration %d", i)
                    .isEqualTo(message);
        }
    }

    @Test
    void randomDataFramesSurviveEncodeAndDecode() throws ProtocolException {
        Random random = new Random(SEED);
        for (int i = 0; i < 2_000; i++) {
            byte[] payload = new byte[random.nextInt(codec.maxPayloadSize() + 1)];
            random.nextBytes(payload);
            int stream = 1 + random.nextInt(Integer.MAX_VALUE - 1);
            Frame decoded = codec.decode(codec.encode(Frame.of(FrameType.DATA, stream, Buffer.buffer(payload))));
            assertThat(decoded.streamId()).isEqualTo(stream);
            assertThat(decoded.payload().getBytes()).isEqualTo(payload);
        }
    }

    @Test
    void oidcLoginTravelsUnderItsOwnCapability() throws ProtocolException {
        Hello hello = helloWithOidcLogin();
        assertThat(hello.capabilities()).contains(Capabilities.POLICY, Capabilities.OIDC);
        assertThat(MessageCodec.decode(codec.decode(codec.encode(MessageCodec.encode(hello)))))
                .isEqualTo(hello);
    }

    @Test
    void oidcClientSecretIsNeverPrinted() {
        Hello hello = helloWithOidcLogin();
        assertThat(hello.toString()).doesNotContain("s3cret-value");
        assertThat(hello.tunnels().getFirst().policy().summary()).isEqualTo("oidc https://id.example.com");
    }

    private static Hello helloWithOidcLogin() {
        TunnelPolicy.Oidc login = new TunnelPolicy.Oidc(
                "https://id.example.com", "porthole", "s3cret-value", List.of("example.com"), List.of("groups=admins"));
        return new Hello(
                2,
                2,
                "1",
                "a",
                Set.of(),
                262144,
                65536,
                List.of(TunnelRequest.http("api", "").withPolicy(TunnelPolicy.NONE.withOidc(login))));
    }
}
