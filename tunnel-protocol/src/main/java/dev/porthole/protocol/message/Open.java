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
 * @param fin true when the opener sends nothing more (an HTTP request without a body); carried as {@code FLAG_FIN}
 */
public record Open(int streamId, String tunnel, String source, HttpRequestHead request, boolean fin)
        implements StreamMessage {

    public Open {
        Objects.requireNonNull(tunnel, "tunnel");
        Objects.requireNonNull(source, "source");
    }

    /** An OPEN whose opener may still send DATA. */
    public Open(int streamId, String tunnel, String source, HttpRequestHead request) {
        this(streamId, tunnel, source, request, false);
    }

    @Override
    public FrameType type() {
        return FrameType.OPEN;
    }
}
