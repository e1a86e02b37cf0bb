package dev.porthole.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porthole.protocol.frame.Frame;
import dev.porthole.protocol.frame.FrameCodec;
import dev.porthole.protocol.frame.FrameType;
import dev.porthole.protocol.frame.ProtocolException;
import io.vertx.core.buffer.Buffer;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Pins the encoding of every frame type: an accidental change to the wire format fails here.
 * Each expected value follows the layouts in docs/architecture.md (type, flags, stream id, payload).
 */
class GoldenBytesTest {

    private static final FrameCodec CODEC = new FrameCodec(FrameCodec.DEFAULT_MAX_FRAME_SIZE);

    private static final Map<ControlMessage, String> GOLDEN = Map.ofEntries(
            Map.entry(
                    SampleMessages.HELLO,
                    "01 00 00000000 0001 0001 0005 302e312e30 0007 6167656e742d31 0001 0004 68747470"
                            + " 00040000 00010000 0001 01 0003 617069 0000 00 000e 3132372e302e302e313a33303030"),
            // The policy layout: the capability "policy", then after each tunnel request its rules (PolicyCodec).
            Map.entry(
                    SampleMessages.HELLO_POLICY,
                    "01 00 00000000 0002 0002 0001 31 0001 61 0001 0006 706f6c696379 00040000 00010000"
                            + " 0001 01 0003 617069 0000 00 0000"
                            + " 0001 0001 75 0001 68 0001 0007 3a3a312f313238 0000 0001 0006 676974687562 0000 0001 73"
                            + " 0001 0001 41 0001 31 0001 0001 42 0000 0000 0003 392f73"),
            // A TLS passthrough tunnel (kind 3) and the capability "tls" that announces it.
            Map.entry(
                    SampleMessages.HELLO_TLS,
                    "01 00 00000000 0002 0002 0001 31 0001 61 0001 0003 746c73 00040000 00010000"
                            + " 0001 03 0003 617070 0000 00 000e 3132372e302e302e313a38343433"),
            Map.entry(
                    SampleMessages.WELCOME,
                    "02 00 00000000 0001 0002 7331 0000 00040000 00010000 0001 01 0003 617069 0000"
                            + " 0016 687474703a2f2f6170692e6578616d706c652e636f6d 00c8 0000"),
            Map.entry(
                    SampleMessages.WELCOME_V2,
                    "02 00 00000000 0002 0002 7331 0001 0002 6861 00040000 00010000 0001 01 0003 617069 0000"
                            + " 0016 687474703a2f2f6170692e6578616d706c652e636f6d 00c8 0000 0004 67772d31"),
            Map.entry(SampleMessages.CONFIG, "03 00 00000000 00002710 00007530 00000400 0000000000000000"),
            Map.entry(
                    SampleMessages.NOTICE,
                    "04 00 00000000 01 0010 73657373696f6e2e6578706972696e67 000e 32206d696e75746573206c656674"),
            Map.entry(SampleMessages.GOAWAY, "05 00 00000000 03e9 0008 647261696e696e67"),
            Map.entry(SampleMessages.PING, "06 00 00000000 0102030405060708"),
            Map.entry(SampleMessages.PONG, "07 00 00000000 0102030405060708"),
            Map.entry(
                    SampleMessages.OPEN,
                    "10 00 00000002 0003 617069 000d 31302e302e302e313a35303030 01 0003 474554"
                            + " 0006 2f783f793d31 0001 0004 486f7374 000f 6170692e6578616d706c652e636f6d"),
            Map.entry(SampleMessages.OPEN_TCP, "10 00 00000004 0002 6462 000b 5b3a3a315d3a3430303030 00"),
            Map.entry(
                    SampleMessages.RESPONSE,
                    "11 00 00000002 00c8 0002 4f4b 0001 000e 436f6e74656e742d4c656e677468 0001 35"),
            Map.entry(SampleMessages.WINDOW, "13 00 00000002 00020000"),
            Map.entry(SampleMessages.FIN, "14 00 00000002"),
            Map.entry(
                    SampleMessages.RST,
                    "15 00 00000002 0002 0022 636f6e6e656374696f6e20726566757365643a203132372e302e302e313a33303030"),
            Map.entry(SampleMessages.TRAILERS, "16 00 00000002 0001 000b 677270632d737461747573 0001 30"));

    @Test
    void everyControlMessageHasPinnedBytes() {
        assertThat(GOLDEN.keySet()).containsExactlyInAnyOrderElementsOf(SampleMessages.all());
        for (FrameType type : FrameType.values()) {
            // DATA and DATAGRAM carry bytes, not control messages (DatagramFrameTest pins DATAGRAM).
            if (type != FrameType.DATA && type != FrameType.DATAGRAM) {
                assertThat(SampleMessages.all()).as("a sample for " + type).anyMatch(m -> m.type() == type);
            }
        }
    }

    @Test
    void encodesEveryControlMessageToItsPinnedBytes() {
        GOLDEN.forEach((message, hex) -> assertThat(hex(CODEC.encode(MessageCodec.encode(message))))
                .as(message.toString())
                .isEqualTo(hex.replace(" ", "")));
    }

    @Test
    void decodesThePinnedBytesBackToTheMessage() throws ProtocolException {
        for (Map.Entry<ControlMessage, String> entry : GOLDEN.entrySet()) {
            Frame frame = CODEC.decode(
                    Buffer.buffer(HexFormat.of().parseHex(entry.getValue().replace(" ", ""))));
            assertThat(MessageCodec.decode(frame)).isEqualTo(entry.getKey());
        }
    }

    @Test
    void aHelloWithoutPoliciesKeepsTheOldLayout() {
        Hello plain =
                new Hello(1, 1, "0.1.0", "agent-1", Set.of("http"), 262144, 65536, SampleMessages.HELLO.tunnels());
        assertThat(plain.carriesPolicies()).isFalse();
        assertThat(hex(CODEC.encode(MessageCodec.encode(plain))))
                .isEqualTo(GOLDEN.get(SampleMessages.HELLO).replace(" ", ""));
    }

    @Test
    void aGatewayThatPredatesPoliciesRefusesAHelloWithOneInsteadOfServingTheTunnelUnprotected() {
        Buffer payload = MessageCodec.encode(SampleMessages.HELLO_POLICY).payload();
        // The old reader: the same fields, the tunnel list in the layout without policies.
        PayloadReader old = new PayloadReader(payload, "HELLO");
        assertThatThrownBy(() -> {
                    old.u16();
                    old.u16();
                    old.string();
                    old.string();
                    old.list(PayloadReader::string);
                    old.positiveInt();
                    old.positiveInt();
                    old.list(MessageCodec::readTunnelRequest);
                    old.end();
                })
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("HELLO");
    }

    @Test
    void aPolicyNeverPrintsItsSecrets() {
        assertThat(SampleMessages.HELLO_POLICY.toString())
                .contains("hidden")
                .doesNotContain("passwordHash=h")
                .doesNotContain("secret=s");
    }

    @Test
    void aVersionOneWelcomeHasNoGatewayIdField() {
        Welcome v1 = new Welcome(1, "s1", Set.of(), 262144, 65536, SampleMessages.WELCOME.tunnels(), "gw-1");
        assertThat(v1.gatewayId()).isEmpty();
        assertThat(hex(CODEC.encode(MessageCodec.encode(v1))))
                .isEqualTo(GOLDEN.get(SampleMessages.WELCOME).replace(" ", ""));
    }

    @Test
    void encodesDataAsHeaderAndRawPayload() throws ProtocolException {
        Buffer encoded = CODEC.encode(Frame.of(FrameType.DATA, 2, Buffer.buffer("hello")));
        assertThat(hex(encoded)).isEqualTo("120000000002" + "68656c6c6f");
        Frame decoded = CODEC.decode(encoded);
        assertThat(decoded.type()).isEqualTo(FrameType.DATA);
        assertThat(decoded.streamId()).isEqualTo(2);
        assertThat(decoded.payload().toString()).isEqualTo("hello");
    }

    @Test
    void finTravelsAsFlagBitOneOnOpenResponseAndData() throws ProtocolException {
        Open open = new Open(4, "db", "[::1]:40000", null, true);
        assertThat(hex(CODEC.encode(MessageCodec.encode(open))))
                .isEqualTo("10" + "01" + "00000004" + "0002" + "6462" + "000b" + "5b3a3a315d3a3430303030" + "00");
        assertThat(MessageCodec.decode(CODEC.decode(CODEC.encode(MessageCodec.encode(open)))))
                .isEqualTo(open);
        Response response = new Response(2, SampleMessages.RESPONSE.head(), true);
        assertThat(hex(CODEC.encode(MessageCodec.encode(response)))).startsWith("1101" + "00000002");
        assertThat(MessageCodec.decode(CODEC.decode(CODEC.encode(MessageCodec.encode(response)))))
                .isEqualTo(response);
        assertThat(hex(CODEC.encode(new Frame(FrameType.DATA, Frame.FLAG_FIN, 2, Buffer.buffer("ok")))))
                .isEqualTo("1201" + "00000002" + "6f6b");
    }

    private static String hex(Buffer buffer) {
        return HexFormat.of().formatHex(buffer.getBytes());
    }
}
