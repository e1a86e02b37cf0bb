package dev.porthole.protocol.message;

import dev.porthole.protocol.frame.FrameType;

/**
 * A control message: every frame except DATA. Dispatch with a pattern-matching {@code switch};
 * the compiler checks that every message has a handler.
 */
public sealed interface ControlMessage permits ConnectionMessage, StreamMessage {

    /** The frame type that carries this message. */
    FrameType type();

    /** The stream the message belongs to; 0 for connection messages. */
    int streamId();
}
