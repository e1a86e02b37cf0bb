package dev.porthole.protocol.auth;

/**
 * What an agent presented in its WebSocket handshake, as the gateway passes it to auth-service.
 *
 * @param authorization the raw {@code Authorization} header, or null when none was sent (public mode)
 * @param clientId the {@code X-Porthole-Client} header, or null; a JWT's {@code tid} must equal it
 * @param agentId the agent's id from the {@code X-Porthole-Agent} header, stable across its reconnects
 * @param remoteAddress the address failures are counted against ({@link SourceAddress}): the agent's IP (IPv6: its
 *     /64), or the last {@code X-Forwarded-For} entry on a gateway that trusts forwarded headers; never a port
 */
public record AgentCredentials(String authorization, String clientId, String agentId, String remoteAddress) {}
