package dev.porthole.protocol.mux;

import dev.porthole.protocol.CloseCode;
import io.vertx.core.buffer.Buffer;

/**
 * Where a {@link MuxSession} writes its encoded frames: one WebSocket binary message each. Small so
 * that the multiplexer can be tested without a network.
 */
public interface FrameTransport {

    /** Writes one frame as one message; frames reach the peer in the order they were sent. */
    void send(Buffer frame);

    /**
     * Whether {@link #send} wants each frame in one contiguous buffer; when false, the session hands
     * it the header and the payload as one composite buffer, without copying the payload.
     */
    default boolean contiguousFrames() {
        return true;
    }

    /** True while the transport holds more unwritten bytes than it wants; the session stops sending DATA. */
    boolean writeQueueFull();

    /** Called once the transport can take more bytes after {@link #writeQueueFull()} was true. */
    void drainHandler(Runnable onDrain);

    /** Stops reading from the peer (the socket, not only the delivery of messages) until {@link #resumeReading()}. */
    default void pauseReading() {}

    /** Reads from the peer again after {@link #pauseReading()}. */
    default void resumeReading() {}

    /** Closes the connection with a code and a reason that the peer will see. */
    void close(CloseCode code, String reason);

    /**
     * Closes the connection because the peer broke the protocol: reads nothing more from it, and
     * drops the connection once the close frame is out (at once when the write queue is full), rather
     * than waiting for a close frame back from a peer that may be flooding or not reading.
     */
    default void abort(CloseCode code, String reason) {
        close(code, reason);
    }
}
