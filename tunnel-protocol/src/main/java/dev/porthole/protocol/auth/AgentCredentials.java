package dev.porthole.protocol.auth;

/**
 * What an agent presented in its WebSocket handshake, as the gateway passes it to auth-service.
 *
 * @param authorization the raw {@code Authorization} header, or null when none was sent (public mode)
 * @param clientId the {@code X-Porthole-Client} header, or null; a JWT's {@code tid} must equal it
 * @param agentId the agent's id from the {@code X-Porthole-Agent} header, stable across its reconnects
 * @param remoteAddress the agent's address as the gateway saw it
 */
public record AgentCredentials(String authorization, String clientId, String agentId, String remoteAddress) {
}
