package dev.porthole.protocol.message;

import dev.porthole.protocol.frame.FrameType;
import java.time.Duration;
import java.util.Objects;

/**
 * Gateway to agent, after WELCOME and whenever the settings change.
 *
 * @param heartbeatInterval how often each side sends PING
 * @param heartbeatTimeout how long a side waits for any frame before it closes the connection as dead
 * @param maxStreams most concurrent streams the gateway allows on this connection
 * @param sessionExpiresAt epoch milliseconds at which the gateway ends the session, or 0 for never
 */
public record Config(Duration heartbeatInterval, Duration heartbeatTimeout, int maxStreams, long sessionExpiresAt)
        implements ConnectionMessage {

    public Config {
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(heartbeatTimeout, "heartbeatTimeout");
    }

    @Override
    public FrameType type() {
        return FrameType.CONFIG;
    }
}
