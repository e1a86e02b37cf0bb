package dev.porthole.protocol.message;

import dev.porthole.protocol.frame.FrameType;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

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
public record Hello(
        int minVersion,
        int maxVersion,
        String agentVersion,
        String agentId,
        Set<String> capabilities,
        int initialWindow,
        int maxFrameSize,
        List<TunnelRequest> tunnels)
        implements ConnectionMessage {

    public Hello {
        Objects.requireNonNull(agentVersion, "agentVersion");
        Objects.requireNonNull(agentId, "agentId");
        tunnels = List.copyOf(tunnels);
        // A tunnel travels only in a HELLO that names what it needs, so that an older gateway
        // refuses it rather than serving it without its policy, login or kind.
        capabilities = withNeeded(
                capabilities, tunnels, Capabilities.POLICY, t -> !t.policy().isEmpty());
        capabilities = withNeeded(
                capabilities, tunnels, Capabilities.OIDC, t -> t.policy().oidc().enabled());
        capabilities = withNeeded(capabilities, tunnels, Capabilities.TLS, t -> t.kind() == TunnelKind.TLS);
        capabilities = withNeeded(capabilities, tunnels, Capabilities.UDP, t -> t.kind() == TunnelKind.UDP);
        capabilities = Set.copyOf(capabilities);
    }

    private static Set<String> withNeeded(
            Set<String> capabilities, List<TunnelRequest> tunnels, String capability, Predicate<TunnelRequest> needs) {
        if (capabilities.contains(capability) || tunnels.stream().noneMatch(needs)) {
            return capabilities;
        }
        Set<String> with = new LinkedHashSet<>(capabilities);
        with.add(capability);
        return with;
    }

    /** Whether each tunnel request carries its policy on the wire. */
    public boolean carriesPolicies() {
        return capabilities.contains(Capabilities.POLICY);
    }

    /** Whether each policy carries its OIDC login on the wire. */
    public boolean carriesOidc() {
        return carriesPolicies() && capabilities.contains(Capabilities.OIDC);
    }

    @Override
    public FrameType type() {
        return FrameType.HELLO;
    }
}
