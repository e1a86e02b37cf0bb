package dev.porthole.protocol.frame;

import io.vertx.core.buffer.Buffer;

/**
 * One frame as it travels in one WebSocket binary message: a type, flags, a stream id and a payload.
 *
 * <p>Layout (big-endian):
 *
 * <pre>
 *  0        1        2                                   6
 *  +--------+--------+--------+--------+--------+--------+------------
 *  | type   | flags  |            stream id (u32)        | payload ...
 *  +--------+--------+--------+--------+--------+--------+------------
 * </pre>
 *
 * The payload length is the message length minus {@link #HEADER_SIZE}; the WebSocket message
 * boundary carries it, so there is no length field to disagree with.
 */
public record Frame(FrameType type, int flags, int streamId, Buffer payload) {

    /** Bytes before the payload. */
    public static final int HEADER_SIZE = 6;

    /** Stream id of connection frames. */
    public static final int CONNECTION_STREAM = 0;

    /**
     * On OPEN, RESPONSE and DATA: the sender sends nothing more on this stream, as if a FIN frame
     * followed. Saves a frame (and a write) for every request without a body and every response's
     * last chunk.
     */
    public static final int FLAG_FIN = 0x01;

    public Frame {
        if (payload == null) {
            payload = Buffer.buffer(0);
        }
    }

    public static Frame of(FrameType type, int streamId, Buffer payload) {
        return new Frame(type, 0, streamId, payload);
    }

    /** Length of the whole frame on the wire. */
    public int encodedSize() {
        return HEADER_SIZE + payload.length();
    }

    /** Whether the FIN flag is set. */
    public boolean fin() {
        return (flags & FLAG_FIN) != 0;
    }

    /** Stream ids are unsigned 32-bit; Java holds them in an int. */
    public long unsignedStreamId() {
        return Integer.toUnsignedLong(streamId);
    }

    @Override
    public String toString() {
        return "Frame[" + type + ", flags=" + flags + ", stream=" + unsignedStreamId() + ", " + payload.length()
                + " bytes]";
    }
}
