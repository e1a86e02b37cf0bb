package dev.porthole.protocol.message;

import dev.porthole.protocol.frame.FrameType;
import java.util.Objects;

/**
 * Opens a stream. The gateway sends it for each visitor (an HTTP request or a TCP connection);
 * an agent sends it to dial a private tunnel through the gateway.
 *
 * @param streamId the new stream: even when the gateway opens it, odd when an agent does
 * @param tunnel the name of the tunnel the stream belongs to
 * @param source the visitor's address, {@code host:port}
 * @param request the HTTP request head for an HTTP tunnel, or null for a TCP stream
 */
public record Open(int streamId, String tunnel, String source, HttpRequestHead request) implements StreamMessage {

    public Open {
        Objects.requireNonNull(tunnel, "tunnel");
        Objects.requireNonNull(source, "source");
    }

    @Override
    public FrameType type() {
        return FrameType.OPEN;
    }
}
