package dev.porthole.protocol.message;

import dev.porthole.protocol.frame.FrameType;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Gateway to agent, the answer to HELLO.
 *
 * @param version the protocol version both sides now speak
 * @param sessionId the gateway's id for this session, for logs and the admin API
 * @param capabilities the optional features both sides support
 * @param initialWindow bytes of credit the gateway grants the agent on every new stream
 * @param maxFrameSize largest frame the gateway accepts
 * @param tunnels one result per requested tunnel, in request order
 */
public record Welcome(int version, String sessionId, Set<String> capabilities, int initialWindow, int maxFrameSize,
        List<TunnelResult> tunnels) implements ConnectionMessage {

    public Welcome {
        Objects.requireNonNull(sessionId, "sessionId");
        capabilities = Set.copyOf(capabilities);
        tunnels = List.copyOf(tunnels);
    }

    @Override
    public FrameType type() {
        return FrameType.WELCOME;
    }
}
