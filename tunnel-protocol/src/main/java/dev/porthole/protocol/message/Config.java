package dev.porthole.protocol.message;

import dev.porthole.protocol.frame.FrameType;
import java.time.Duration;
import java.util.Objects;

/**
 * Gateway to agent, once, right after WELCOME: none of its values changes while a session lives (a reloaded
 * gateway configuration file changes tokens, clients and limits). An agent applies a later one as well.
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
