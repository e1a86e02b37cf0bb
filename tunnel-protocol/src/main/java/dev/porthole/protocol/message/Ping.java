package dev.porthole.protocol.message;

import dev.porthole.protocol.frame.FrameType;

/** A heartbeat; the peer answers with a {@link Pong} carrying the same timestamp, which gives the round-trip time. */
public record Ping(long timestamp) implements ConnectionMessage {
    @Override
    public FrameType type() {
        return FrameType.PING;
    }
}
