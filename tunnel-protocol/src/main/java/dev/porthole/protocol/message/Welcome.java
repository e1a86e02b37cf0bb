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
 * @param gatewayId the gateway instance that holds this session (protocol 2 and later; always empty
 *     in version 1, which has no such field), so that an agent with HA connections can tell whether
 *     two of them reached the same instance
 */
public record Welcome(
        int version,
        String sessionId,
        Set<String> capabilities,
        int initialWindow,
        int maxFrameSize,
        List<TunnelResult> tunnels,
        String gatewayId)
        implements ConnectionMessage {

    /** The first version whose WELCOME names the gateway instance. */
    public static final int GATEWAY_ID_SINCE = 2;

    public Welcome {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(gatewayId, "gatewayId");
        capabilities = Set.copyOf(capabilities);
        tunnels = List.copyOf(tunnels);
        if (version < GATEWAY_ID_SINCE) {
            gatewayId = "";
        }
    }

    /** A WELCOME that names no gateway instance. */
    public Welcome(
            int version,
            String sessionId,
            Set<String> capabilities,
            int initialWindow,
            int maxFrameSize,
            List<TunnelResult> tunnels) {
        this(version, sessionId, capabilities, initialWindow, maxFrameSize, tunnels, "");
    }

    @Override
    public FrameType type() {
        return FrameType.WELCOME;
    }
}
