package dev.porthole.protocol.message;

import dev.porthole.protocol.frame.FrameType;
import java.util.Objects;

/**
 * The sender will close the connection soon and opens no new streams; streams already open may
 * finish. An agent that receives it connects again (through the load balancer) before the old
 * connection closes.
 *
 * @param code the close code that will follow, see {@link dev.porthole.protocol.CloseCode}
 * @param reason a sentence for logs
 */
public record GoAway(int code, String reason) implements ConnectionMessage {

    public GoAway {
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public FrameType type() {
        return FrameType.GOAWAY;
    }
}
