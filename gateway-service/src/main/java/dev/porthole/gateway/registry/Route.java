package dev.porthole.gateway.registry;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * Who holds a tunnel name, as stored in Redis ({@code <prefix>route:http:<name>}, JSON). The
 * claim scripts read {@code owner} (to let an agent take its own name back) and {@code sessionId}
 * (so that only the holding session refreshes or releases it).
 *
 * @param gatewayId the gateway instance holding the tunnel
 * @param sessionId the agent session holding it
 * @param clientId the authenticated client
 * @param agentId the agent process (stable across its reconnects)
 * @param owner who may take the name over at once: a session with the same owner replaces the holder
 */
public record Route(String gatewayId, String sessionId, String clientId, String agentId, String owner) {

    public Route {
        Objects.requireNonNull(gatewayId, "gatewayId");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(owner, "owner");
    }

    /** Owned by the agent process: only a reconnect of the same agent of the same client takes the name over. */
    public Route(String gatewayId, String sessionId, String clientId, String agentId) {
        this(gatewayId, sessionId, clientId, agentId, clientId + "/" + agentId);
    }

    /**
     * Owned by the client: any new session of the client takes the name over, whichever agent it
     * comes from (JWT sessions: the token's {@code tid} names the tunnel, and a new valid session
     * for it replaces the old one).
     */
    public static Route ownedByClient(String gatewayId, String sessionId, String clientId, String agentId) {
        return new Route(gatewayId, sessionId, clientId, agentId, clientId + "/*");
    }

    public String toJson() {
        return new JsonObject()
                .put("gatewayId", gatewayId)
                .put("sessionId", sessionId)
                .put("clientId", clientId)
                .put("agentId", agentId)
                .put("owner", owner)
                .encode();
    }

    /** Parses a stored route; null when the value is not one. */
    public static Route fromJson(String json) {
        try {
            JsonObject object = new JsonObject(json);
            String clientId = object.getString("clientId");
            String agentId = object.getString("agentId");
            return new Route(object.getString("gatewayId"), object.getString("sessionId"), clientId, agentId,
                    object.getString("owner", clientId + "/" + agentId));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
