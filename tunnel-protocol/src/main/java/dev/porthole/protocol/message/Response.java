package dev.porthole.protocol.message;

import dev.porthole.protocol.frame.FrameType;
import java.util.Objects;

/**
 * Agent to gateway: the upstream's response head for an HTTP stream; DATA with the body follows,
 * unless {@code fin} says there is none (carried as {@code FLAG_FIN}).
 */
public record Response(int streamId, HttpResponseHead head, boolean fin) implements StreamMessage {

    public Response {
        Objects.requireNonNull(head, "head");
    }

    /** A response head with a body to follow. */
    public Response(int streamId, HttpResponseHead head) {
        this(streamId, head, false);
    }

    @Override
    public FrameType type() {
        return FrameType.RESPONSE;
    }
}
