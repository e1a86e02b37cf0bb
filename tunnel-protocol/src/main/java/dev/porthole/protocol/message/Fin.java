package dev.porthole.protocol.message;

import dev.porthole.protocol.frame.FrameType;

/** The sender will send no more DATA on this stream; it may still receive (half-close). */
public record Fin(int streamId) implements StreamMessage {
    @Override
    public FrameType type() {
        return FrameType.FIN;
    }
}
