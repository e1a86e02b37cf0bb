package dev.porthole.agent.tunnel;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Everything the tunnel client needs to connect.
 *
 * @param server the gateway's base URL ({@code http://host:8080} or {@code https://...}); the agent path is appended
 * @param agentPath the gateway's agent endpoint path
 * @param authorization the {@code Authorization} header to send, or null for public mode
 * @param clientId the {@code X-Porthole-Client} header, or null
 * @param agentId this agent process's id, stable across reconnects
 * @param tunnels the tunnels to ask for
 * @param upstreamTimeout how long the upstream may take to start answering
 * @param maxUpstreamConnections keep-alive connections kept to each upstream
 * @param maxReconnectDelay the cap of the reconnect back-off
 * @param maxAttempts connection attempts in a row before giving up (0: never give up)
 * @param ha keep a second connection, to another gateway instance, that serves the HTTP tunnels too ({@code --ha})
 * @param connections connections to the gateway instance whose requests the HTTP tunnels share, each on an event
 *     loop of its own (a pool, {@code --connections}); 1 without a pool, and not more than one with {@code ha}
 * @param trust how the gateway's TLS certificate is checked on {@code wss://}
 * @param firstConnectWindow how long the agent tries to reach the gateway for its first handshake
 *     before a diagnosed failure (unknown host, refused port) ends it (zero: for ever)
 */
public record AgentSettings(
        URI server,
        String agentPath,
        String authorization,
        String clientId,
        String agentId,
        List<TunnelSpec> tunnels,
        Duration upstreamTimeout,
        int maxUpstreamConnections,
        Duration maxReconnectDelay,
        int maxAttempts,
        boolean ha,
        int connections,
        GatewayTrust trust,
        Duration firstConnectWindow) {

    /** How long a new agent tries before it says what is wrong with --server and stops. */
    public static final Duration DEFAULT_FIRST_CONNECT_WINDOW = Duration.ofSeconds(10);

    /** The agent endpoint's path on a gateway that does not move it. */
    public static final String DEFAULT_AGENT_PATH = "/_porthole/agent";

    /** The most connections a pool may have: the gateway numbers lanes 0 to 15. */
    public static final int MAX_CONNECTIONS = 16;

    public AgentSettings {
        if (connections < 1 || connections > MAX_CONNECTIONS) {
            throw new IllegalArgumentException(
                    "--connections must be 1 to " + MAX_CONNECTIONS + " (was " + connections + ")");
        }
        if (ha && connections > 1) {
            throw new IllegalArgumentException(
                    "--connections and --ha cannot be combined yet: give one of them (--ha keeps two connections on two"
                            + " gateway instances, --connections several on one)");
        }
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(firstConnectWindow, "firstConnectWindow");
        tunnels = List.copyOf(tunnels);
    }

    /** The connections to gateways the agent keeps at once, each on an event loop of its own: two with HA, else the pool's. */
    public int links() {
        return ha ? 2 : connections;
    }

    /** The WebSocket URL of the gateway's agent endpoint. */
    public URI endpoint() {
        String scheme =
                switch (server.getScheme() == null ? "" : server.getScheme().toLowerCase(java.util.Locale.ROOT)) {
                    case "https", "wss" -> "wss";
                    case "http", "ws" -> "ws";
                    default ->
                        throw new IllegalArgumentException(
                                "server URL must start with http://, https://, ws:// or wss://: " + server);
                };
        String basePath = server.getPath() == null ? "" : server.getPath().replaceAll("/+$", "");
        int port = server.getPort() > 0 ? server.getPort() : (scheme.equals("wss") ? 443 : 80);
        return URI.create(scheme + "://" + server.getHost() + ":" + port + basePath + agentPath);
    }

    /**
     * Settings for {@code server} and this process's {@code agentId}: {@code choices} sets what
     * differs from the defaults of a {@link Draft}.
     */
    public static AgentSettings of(URI server, String agentId, Consumer<Draft> choices) {
        Draft draft = new Draft();
        choices.accept(draft);
        return new AgentSettings(
                server,
                draft.agentPath,
                draft.authorization,
                draft.clientId,
                agentId,
                draft.tunnels,
                draft.upstreamTimeout,
                draft.maxUpstreamConnections,
                draft.maxReconnectDelay,
                draft.maxAttempts,
                draft.ha,
                draft.connections,
                draft.trust,
                draft.firstConnectWindow);
    }

    /**
     * The settings {@link #of} leaves to the caller, each with its default: the fields mean what
     * the record's components of the same name mean.
     */
    public static final class Draft {
        public String agentPath = DEFAULT_AGENT_PATH;
        /** Public mode. */
        public String authorization;

        public String clientId;
        public List<TunnelSpec> tunnels = List.of();
        public Duration upstreamTimeout = Duration.ofSeconds(30);
        public int maxUpstreamConnections = 100;
        public Duration maxReconnectDelay = Duration.ofSeconds(30);
        /** Attempts for ever. */
        public int maxAttempts;
        /** One connection. */
        public boolean ha;
        /** One connection. */
        public int connections = 1;

        public GatewayTrust trust = GatewayTrust.SYSTEM;
        public Duration firstConnectWindow = DEFAULT_FIRST_CONNECT_WINDOW;

        private Draft() {}
    }
}
