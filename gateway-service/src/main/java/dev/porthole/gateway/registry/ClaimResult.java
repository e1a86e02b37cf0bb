package dev.porthole.gateway.registry;

import dev.porthole.protocol.message.TunnelResult;

/**
 * What a claim of a TCP port or private name ended in.
 *
 * @param result what the agent is told
 * @param previous the older session of the same agent that held it (a reconnect) and must let go, or null
 */
public record ClaimResult(TunnelResult result, Route previous) {

    public static ClaimResult of(TunnelResult result) {
        return new ClaimResult(result, null);
    }
}
