package dev.porthole.protocol.message;

import dev.porthole.protocol.frame.FrameType;

/** Grants the peer {@code increment} more bytes of DATA on a stream: the receiver consumed that much. */
public record Window(int streamId, int increment) implements StreamMessage {

    public Window {
        if (increment <= 0) {
            throw new IllegalArgumentException("window increment must be positive, was " + increment);
        }
    }

    @Override
    public FrameType type() {
        return FrameType.WINDOW;
    }
}
