package dev.porthole.gateway.registry;

/**
 * Which of an agent's pooled connections a session is: the agent keeps several connections to one
 * gateway instance (capability {@code pool}), numbered by lane, and this instance spreads the streams
 * of the agent's HTTP names over them.
 *
 * @param agentId the agent's id, the same on every lane
 * @param lane the lane number; a lane that reconnects keeps its number
 */
public record PoolLane(String agentId, int lane) {

    /** Lanes an agent may number: 0 to {@code MAX_LANES - 1}. */
    public static final int MAX_LANES = 16;

    public PoolLane {
        if (lane < 0 || lane >= MAX_LANES) {
            throw new IllegalArgumentException("lane " + lane + " is not between 0 and " + (MAX_LANES - 1));
        }
    }
}
