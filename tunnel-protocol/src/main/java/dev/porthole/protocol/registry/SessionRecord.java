package dev.porthole.protocol.registry;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A live agent session as a gateway publishes it in Redis ({@code <prefix>session:<sessionId>},
 * JSON, with an expiry the gateway refreshes while the session lives; ids are also in the sorted
 * set {@code <prefix>sessions} scored by that expiry in epoch milliseconds). The admin API lists
 * sessions across all gateways from these records.
 *
 * @param sessionId the gateway's id for the session
 * @param gatewayId the gateway instance holding it
 * @param clientId the authenticated client
 * @param agentId the agent's id (stable across its reconnects)
 * @param remoteAddress the agent's address
 * @param connectedAt when the handshake completed
 * @param tunnels the tunnels the session holds
 * @param bytesIn bytes received from the agent so far
 * @param bytesOut bytes sent to the agent so far
 * @param streams requests and connections carried to the agent so far (0 in records from older gateways)
 */
public record SessionRecord(
        String sessionId,
        String gatewayId,
        String clientId,
        String agentId,
        String remoteAddress,
        Instant connectedAt,
        List<TunnelEntry> tunnels,
        long bytesIn,
        long bytesOut,
        long streams) {

    public SessionRecord {
        Objects.requireNonNull(sessionId, "sessionId");
        tunnels = List.copyOf(Objects.requireNonNullElse(tunnels, List.of()));
    }

    /** A record without a stream count. */
    public SessionRecord(
            String sessionId,
            String gatewayId,
            String clientId,
            String agentId,
            String remoteAddress,
            Instant connectedAt,
            List<TunnelEntry> tunnels,
            long bytesIn,
            long bytesOut) {
        this(sessionId, gatewayId, clientId, agentId, remoteAddress, connectedAt, tunnels, bytesIn, bytesOut, 0);
    }

    /**
     * One tunnel of a session.
     *
     * @param kind {@code http} or {@code tcp}
     * @param name the tunnel's name
     * @param publicAddress where visitors reach it, empty for a private tunnel
     * @param policy the rules of its edge policy by name, without any secret or user name (empty: none, or a record
     *     from an older gateway), for example {@code ip(allow 1, deny 0) basic-auth(2 users)}
     */
    public record TunnelEntry(String kind, String name, String publicAddress, String policy) {
        public TunnelEntry {
            policy = Objects.requireNonNullElse(policy, "");
        }

        /** A tunnel without a policy. */
        public TunnelEntry(String kind, String name, String publicAddress) {
            this(kind, name, publicAddress, "");
        }
    }
}
