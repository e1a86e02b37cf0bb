package dev.porthole.protocol.message;

import dev.porthole.protocol.frame.FrameType;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Agent to gateway, the first frame after the WebSocket upgrade.
 *
 * @param minVersion oldest protocol version the agent speaks
 * @param maxVersion newest protocol version the agent speaks
 * @param agentVersion the agent's release, for logs
 * @param agentId a random id that stays the same across the agent process's reconnects, so that
 *     a reconnecting agent can take its own names back at once
 * @param capabilities optional features the agent supports
 * @param initialWindow bytes of credit the agent grants the gateway on every new stream
 * @param maxFrameSize largest frame the agent accepts
 * @param tunnels the tunnels the agent asks for
 */
public record Hello(int minVersion, int maxVersion, String agentVersion, String agentId, Set<String> capabilities,
        int initialWindow, int maxFrameSize, List<TunnelRequest> tunnels) implements ConnectionMessage {

    public Hello {
        Objects.requireNonNull(agentVersion, "agentVersion");
        Objects.requireNonNull(agentId, "agentId");
        tunnels = List.copyOf(tunnels);
        if (tunnels.stream().anyMatch(t -> !t.policy().isEmpty()) && !capabilities.contains(Capabilities.POLICY)) {
            // The policies travel only in a HELLO that says so; never drop one silently.
            Set<String> withPolicy = new java.util.LinkedHashSet<>(capabilities);
            withPolicy.add(Capabilities.POLICY);
            capabilities = withPolicy;
        }
        if (tunnels.stream().anyMatch(t -> t.kind() == TunnelKind.TLS) && !capabilities.contains(Capabilities.TLS)) {
            Set<String> withTls = new java.util.LinkedHashSet<>(capabilities);
            withTls.add(Capabilities.TLS);
            capabilities = withTls;
        }
        capabilities = Set.copyOf(capabilities);
    }

    /** Whether each tunnel request carries its policy on the wire. */
    public boolean carriesPolicies() {
        return capabilities.contains(Capabilities.POLICY);
    }

    @Override
    public FrameType type() {
        return FrameType.HELLO;
    }
}
