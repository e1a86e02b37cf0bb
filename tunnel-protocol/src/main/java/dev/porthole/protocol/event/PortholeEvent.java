package dev.porthole.protocol.event;

/**
 * Something that happened in Porthole that an operator may want to hear about. Services append
 * events to the Redis Stream {@code <prefix>events} wrapped in an {@link EventEnvelope};
 * notification-service reads them with a consumer group.
 *
 * <p>Adding an event: one record here and one line in {@link EventType}.
 */
public sealed interface PortholeEvent
        permits PortholeEvent.AgentConnected,
                PortholeEvent.AgentDisconnected,
                PortholeEvent.TunnelOpened,
                PortholeEvent.TunnelClosed,
                PortholeEvent.AuthFailed,
                PortholeEvent.ClientCreated,
                PortholeEvent.ClientDisabled,
                PortholeEvent.ClientDeleted,
                PortholeEvent.SigningSecretRotated,
                PortholeEvent.LimitHit,
                PortholeEvent.PolicyRefused,
                PortholeEvent.PublicSessionExpired,
                PortholeEvent.GatewayStarted,
                PortholeEvent.GatewayDraining,
                PortholeEvent.ConfigRejected,
                PortholeEvent.ConfigReloaded,
                PortholeEvent.CertificateRejected,
                PortholeEvent.CertificateReloaded,
                PortholeEvent.CertificateRenewalFailed {

    /** The event's type, which names it on the wire and in channel filters. */
    default EventType type() {
        return EventType.of(this);
    }

    /** How much it matters. */
    default Severity severity() {
        return type().severity();
    }

    /** An agent finished its handshake and holds a session on a gateway. */
    record AgentConnected(
            String gatewayId,
            String sessionId,
            String clientId,
            String agentId,
            String remoteAddress,
            String agentVersion)
            implements PortholeEvent {}

    /** An agent's session ended. */
    record AgentDisconnected(
            String gatewayId,
            String sessionId,
            String clientId,
            String remoteAddress,
            int closeCode,
            String reason,
            long durationMillis,
            long bytesIn,
            long bytesOut)
            implements PortholeEvent {}

    /** A tunnel became reachable. {@code kind} is {@code http} or {@code tcp}. */
    record TunnelOpened(
            String gatewayId, String sessionId, String clientId, String kind, String name, String publicAddress)
            implements PortholeEvent {}

    /** A tunnel stopped being reachable. */
    record TunnelClosed(String gatewayId, String sessionId, String clientId, String kind, String name, String reason)
            implements PortholeEvent {}

    /**
     * Authentication failed {@code count} times within {@code windowSeconds} for one source address
     * and claimed client id (null when none was claimed). Aggregated so that an attack is one event,
     * not thousands.
     */
    record AuthFailed(String clientId, String remoteAddress, String reason, int count, long windowSeconds)
            implements PortholeEvent {}

    /** An administrator created a client. */
    record ClientCreated(String clientId, String actor) implements PortholeEvent {}

    /** An administrator disabled a client; its sessions were closed. */
    record ClientDisabled(String clientId, String actor) implements PortholeEvent {}

    /** An administrator deleted a client; its sessions were closed. */
    record ClientDeleted(String clientId, String actor) implements PortholeEvent {}

    /** The JWT signing secret was rotated (the current became previous) or the previous was retired. */
    record SigningSecretRotated(String actor, String currentKeyId, String previousKeyId) implements PortholeEvent {}

    /** A limit stopped something: {@code limit} is for example {@code bandwidth}, {@code connections}, {@code requests}. */
    record LimitHit(String gatewayId, String clientId, String tunnel, String limit, String detail)
            implements PortholeEvent {}

    /**
     * A tunnel's edge policy refused a visitor's request (at most one a minute per tunnel and rule).
     *
     * @param rule {@code ip}, {@code rate-limit}, {@code basic-auth} or {@code webhook}
     */
    record PolicyRefused(
            String gatewayId, String clientId, String tunnel, String rule, int status, String remoteAddress)
            implements PortholeEvent {}

    /** A public (anonymous) session reached the end of its lifetime and was closed. */
    record PublicSessionExpired(String gatewayId, String sessionId, String remoteAddress, String tunnels)
            implements PortholeEvent {}

    /** A gateway instance started serving. */
    record GatewayStarted(String gatewayId, String version, String publicAddress) implements PortholeEvent {}

    /** A gateway instance began a graceful shutdown. */
    record GatewayDraining(String gatewayId, String reason, int sessions) implements PortholeEvent {}

    /** A configuration file change was rejected; the previous configuration stays in force. */
    record ConfigRejected(String service, String source, String detail) implements PortholeEvent {}

    /** A changed configuration file was put in force without a restart; {@code changes} says what differs. */
    record ConfigReloaded(String service, String source, String digest, String changes) implements PortholeEvent {}

    /** Changed certificate files could not be served (missing, expired, key not matching); the gateway keeps serving the previous ones. */
    record CertificateRejected(String gatewayId, String source, String detail) implements PortholeEvent {}

    /** Changed certificate files are served from the next TLS handshake on; {@code certificates} names each one's names, serial and expiry. */
    record CertificateReloaded(String gatewayId, String source, String certificates) implements PortholeEvent {}

    /**
     * The ACME CA did not issue or renew the certificate for {@code host} ({@code detail} says what it
     * said, or that it was unreachable); the gateway keeps serving the one it has, valid until
     * {@code servedUntil} ({@code none} when there is none yet), and tries again later.
     */
    record CertificateRenewalFailed(String gatewayId, String host, String detail, String servedUntil)
            implements PortholeEvent {}
}
