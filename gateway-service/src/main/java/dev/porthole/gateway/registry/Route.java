package dev.porthole.gateway.registry;

import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Who holds a tunnel name: one holding session. The stored record ({@code <prefix>route:http:<name>},
 * JSON) carries these fields for its first holder and, under {@code holders}, every holder with its
 * own expiry (an agent with {@code --ha} holds its names through two sessions on two gateways). The
 * claim scripts read {@code owner} (to let an agent take its own name back), {@code ha} and
 * {@code agentId} (whether a session may join the holders) and each holder's {@code sessionId} (so
 * that only a holding session refreshes or releases its place).
 *
 * @param gatewayId the gateway instance holding the tunnel
 * @param sessionId the agent session holding it
 * @param clientId the authenticated client
 * @param agentId the agent process (stable across its reconnects)
 * @param owner who may take the name over at once: a session with the same owner replaces the holder
 * @param ha whether the session belongs to an agent's group of HA connections: a session of the same
 *     agent with this flag joins the holders of an HTTP name instead of replacing them
 */
public record Route(String gatewayId, String sessionId, String clientId, String agentId, String owner, boolean ha) {

    private static final SecureRandom NONCES = new SecureRandom();

    public Route {
        Objects.requireNonNull(gatewayId, "gatewayId");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(owner, "owner");
    }

    public Route(String gatewayId, String sessionId, String clientId, String agentId, String owner) {
        this(gatewayId, sessionId, clientId, agentId, owner, false);
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

    /**
     * Owned by this session alone (public sessions): the owner is a secret nonce that no other
     * session can present, whatever agent id it claims, so the session's names end with it and
     * stay tombstoned for nobody.
     */
    public static Route ownedBySessionAlone(String gatewayId, String sessionId, String clientId, String agentId) {
        byte[] nonce = new byte[16];
        NONCES.nextBytes(nonce);
        return new Route(
                gatewayId,
                sessionId,
                clientId,
                agentId,
                "session/" + HexFormat.of().formatHex(nonce));
    }

    /** The same session, as one of its agent's HA connections. */
    public Route asHa() {
        return new Route(gatewayId, sessionId, clientId, agentId, owner, true);
    }

    /** The same owner and agent, held through another session (one of the holders of a record). */
    Route heldBy(String holderGatewayId, String holderSessionId) {
        return new Route(holderGatewayId, holderSessionId, clientId, agentId, owner, ha);
    }

    public String toJson() {
        return new JsonObject()
                .put("gatewayId", gatewayId)
                .put("sessionId", sessionId)
                .put("clientId", clientId)
                .put("agentId", agentId)
                .put("owner", owner)
                .put("ha", ha)
                .encode();
    }

    /** Parses a stored route; null when the value is not one. */
    public static Route fromJson(String json) {
        try {
            JsonObject object = new JsonObject(json);
            String clientId = object.getString("clientId");
            String agentId = object.getString("agentId");
            return new Route(
                    object.getString("gatewayId"),
                    object.getString("sessionId"),
                    clientId,
                    agentId,
                    object.getString("owner", clientId + "/" + agentId),
                    object.getBoolean("ha", false));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
