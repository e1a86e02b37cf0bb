package dev.porthole.protocol.message;

import dev.porthole.protocol.frame.FrameType;

/** The answer to a {@link Ping}, echoing its timestamp. */
public record Pong(long timestamp) implements ConnectionMessage {
    @Override
    public FrameType type() {
        return FrameType.PONG;
    }
}
