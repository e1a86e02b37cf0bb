package dev.porthole.protocol.message;

import dev.porthole.protocol.frame.Frame;
import dev.porthole.protocol.frame.FrameType;
import dev.porthole.protocol.frame.ProtocolError;
import dev.porthole.protocol.frame.ProtocolException;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One UDP datagram of a flow, carried in a DATAGRAM frame on stream 0: {@code u32 flow id, str
 * tunnel, raw bytes}. The gateway numbers the flows of its public UDP ports with even ids, an agent
 * that dials a private UDP tunnel its own with odd ids; the answer to a datagram carries the flow id
 * it came with. Datagram bytes never pass through the control-message dispatcher.
 *
 * @param flowId the flow (a visitor's address and port), never 0
 * @param tunnel the UDP tunnel the flow belongs to
 * @param payload the datagram's bytes, which may be empty
 */
public record Datagram(int flowId, String tunnel, Buffer payload) {

    /** Bytes a datagram adds to its payload inside the frame: the flow id and the tunnel's length field. */
    public static final int OVERHEAD = Frame.HEADER_SIZE + 4 + 2;

    public Datagram {
        Objects.requireNonNull(tunnel, "tunnel");
        Objects.requireNonNull(payload, "payload");
        if (flowId == 0) {
            throw new IllegalArgumentException("flow id 0 is not a flow");
        }
    }

    /** The frame's size on the wire. */
    public int encodedSize() {
        return OVERHEAD + tunnel.getBytes(StandardCharsets.UTF_8).length + payload.length();
    }

    /** The DATAGRAM frame that carries it. */
    public Frame encode() {
        Buffer out = new PayloadWriter()
                .u32(Integer.toUnsignedLong(flowId))
                .string(tunnel)
                .buffer();
        out.appendBuffer(payload);
        return Frame.of(FrameType.DATAGRAM, Frame.CONNECTION_STREAM, out);
    }

    /** Reads a DATAGRAM frame; the payload shares the frame's bytes. */
    public static Datagram decode(Frame frame) throws ProtocolException {
        if (frame.type() != FrameType.DATAGRAM) {
            throw new ProtocolException(ProtocolError.UNEXPECTED_FRAME, frame.type() + " is not a DATAGRAM");
        }
        PayloadReader in = new PayloadReader(frame.payload(), "DATAGRAM");
        long flow = in.u32();
        if (flow == 0) {
            throw in.bad("flow id 0 is not a flow");
        }
        String tunnel = in.string();
        Buffer body = frame.payload().slice(in.position(), frame.payload().length());
        return new Datagram((int) flow, tunnel, body);
    }
}
