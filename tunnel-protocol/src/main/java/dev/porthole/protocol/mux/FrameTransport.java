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

    /** Closes the connection with a code and a reason that the peer will see. */
    void close(CloseCode code, String reason);
}
