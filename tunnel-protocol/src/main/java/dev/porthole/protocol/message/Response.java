package dev.porthole.protocol.message;

import dev.porthole.protocol.frame.FrameType;
import java.util.Objects;

/** Agent to gateway: the upstream's response head for an HTTP stream; DATA with the body follows. */
public record Response(int streamId, HttpResponseHead head) implements StreamMessage {

    public Response {
        Objects.requireNonNull(head, "head");
    }

    @Override
    public FrameType type() {
        return FrameType.RESPONSE;
    }
}
