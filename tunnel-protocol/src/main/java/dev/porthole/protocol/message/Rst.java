package dev.porthole.protocol.message;

import dev.porthole.protocol.frame.FrameType;
import java.util.Objects;

/** Aborts a stream in both directions. */
public record Rst(int streamId, ResetCode code, String message) implements StreamMessage {

    public Rst {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public FrameType type() {
        return FrameType.RST;
    }
}
