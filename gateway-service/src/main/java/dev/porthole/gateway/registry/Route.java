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
 */
public record Route(String gatewayId, String sessionId, String clientId, String agentId) {

    public Route {
        Objects.requireNonNull(gatewayId, "gatewayId");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(agentId, "agentId");
    }

    /** Same client and same agent process: a reconnect, which may take the name over at once. */
    public String owner() {
        return clientId + "/" + agentId;
    }

    public String toJson() {
        return new JsonObject()
                .put("gatewayId", gatewayId)
                .put("sessionId", sessionId)
                .put("clientId", clientId)
                .put("agentId", agentId)
                .put("owner", owner())
                .encode();
    }

    /** Parses a stored route; null when the value is not one. */
    public static Route fromJson(String json) {
        try {
            JsonObject object = new JsonObject(json);
            return new Route(object.getString("gatewayId"), object.getString("sessionId"), object.getString("clientId"),
                    object.getString("agentId"));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
