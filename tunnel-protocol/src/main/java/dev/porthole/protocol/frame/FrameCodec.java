package dev.porthole.protocol.frame;

import dev.porthole.protocol.buffer.Ownership;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;

/**
 * Encodes and decodes {@link Frame}s, enforcing the maximum frame size on both sides.
 *
 * <p>Decoding never allocates more than the input it was given: the payload is a slice of the
 * received message, and the size check happens before anything else.
 */
public final class FrameCodec {

    /**
     * Default largest frame, header included: 256 KiB, the WebSocket frame size both ends use. Against
     * 64 KiB it took a quarter off the gateway's and agent's CPU per GiB on a TCP download (fewer
     * frames to decode, hand over between event loops and write, docs/performance.md); a peer that
     * announces less gets frames no larger than it asked for.
     */
    public static final int DEFAULT_MAX_FRAME_SIZE = 256 * 1024;

    /** Smallest maximum a peer may configure; a HELLO with many tunnels must still fit. */
    public static final int MIN_MAX_FRAME_SIZE = 4 * 1024;

    private final int maxFrameSize;

    public FrameCodec(int maxFrameSize) {
        if (maxFrameSize < MIN_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException(
                    "max frame size " + maxFrameSize + " is below the minimum " + MIN_MAX_FRAME_SIZE);
        }
        this.maxFrameSize = maxFrameSize;
    }

    public int maxFrameSize() {
        return maxFrameSize;
    }

    /** Largest DATA payload that fits in one frame. */
    public int maxPayloadSize() {
        return maxFrameSize - Frame.HEADER_SIZE;
    }

    /** Encodes a frame; refuses one that is larger than the maximum or breaks the stream-id rules. */
    public Buffer encode(Frame frame) {
        return encode(frame, true);
    }

    /**
     * Encodes a frame, either as one contiguous buffer or as a composite of a fresh header and the
     * payload itself (no copy; the payload must not change until the frame is written). The
     * composite holds its own reference to a pooled payload ({@link dev.porthole.protocol.buffer.Ownership}),
     * given up when the composite is released after the write; the caller keeps its own.
     */
    public Buffer encode(Frame frame, boolean contiguous) {
        if (frame.encodedSize() > maxFrameSize) {
            throw new IllegalArgumentException(
                    "frame of " + frame.encodedSize() + " bytes exceeds the maximum of " + maxFrameSize + ": " + frame);
        }
        if ((frame.flags() & ~frame.type().allowedFlags()) != 0) {
            throw new IllegalArgumentException(
                    "undefined flags 0x" + Integer.toHexString(frame.flags()) + " on " + frame);
        }
        String misplaced = scopeViolation(frame.type(), frame.streamId());
        if (misplaced != null) {
            throw new IllegalArgumentException(misplaced);
        }
        if (!contiguous && frame.payload().length() > 0) {
            // Direct like a socket's read buffers: a composite with a heap part is copied whole into
            // direct memory by the channel, a direct one goes out with one gathering write.
            ByteBuf header = PooledByteBufAllocator.DEFAULT.directBuffer(Frame.HEADER_SIZE, Frame.HEADER_SIZE);
            header.writeByte(frame.type().code());
            header.writeByte(frame.flags());
            header.writeInt(frame.streamId());
            return Ownership.wrap(Unpooled.wrappedBuffer(
                    2, header, Ownership.byteBuf(frame.payload()).retainedSlice()));
        }
        // A masking WebSocket encoder reads a composite buffer int by int, which cost more than
        // this copy (measured with JFR under bench/tcp.sh).
        Buffer out = Buffer.buffer(frame.encodedSize());
        out.appendByte((byte) frame.type().code());
        out.appendByte((byte) frame.flags());
        out.appendInt(frame.streamId());
        out.appendBuffer(frame.payload());
        return out;
    }

    /** Decodes one received message into a frame; the payload shares the message's bytes. */
    public Frame decode(Buffer message) throws ProtocolException {
        int length = message.length();
        if (length > maxFrameSize) {
            throw new ProtocolException(
                    ProtocolError.FRAME_TOO_LARGE,
                    "frame of " + length + " bytes exceeds the maximum of " + maxFrameSize);
        }
        if (length < Frame.HEADER_SIZE) {
            throw new ProtocolException(
                    ProtocolError.TRUNCATED,
                    "frame of " + length + " bytes is shorter than the " + Frame.HEADER_SIZE + "-byte header");
        }
        FrameType type = FrameType.fromCode(message.getUnsignedByte(0));
        int flags = message.getUnsignedByte(1);
        if ((flags & ~type.allowedFlags()) != 0) {
            throw new ProtocolException(
                    ProtocolError.UNKNOWN_FLAGS, "undefined flags 0x%02x on %s".formatted(flags, type));
        }
        int streamId = message.getInt(2);
        String misplaced = scopeViolation(type, streamId);
        if (misplaced != null) {
            throw new ProtocolException(ProtocolError.BAD_STREAM_ID, misplaced);
        }
        return new Frame(type, flags, streamId, message.slice(Frame.HEADER_SIZE, length));
    }

    /** Says why a frame type may not travel on a stream id, or null when it may. */
    private static String scopeViolation(FrameType type, int streamId) {
        boolean connection = streamId == Frame.CONNECTION_STREAM;
        if (type.scope() == FrameType.Scope.CONNECTION && !connection) {
            return type + " must travel on stream 0, not on stream " + Integer.toUnsignedLong(streamId);
        }
        if (type.scope() == FrameType.Scope.STREAM && connection) {
            return type + " needs a stream id greater than 0";
        }
        return null;
    }
}
