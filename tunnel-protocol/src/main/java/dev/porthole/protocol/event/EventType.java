package dev.porthole.protocol.event;

import java.util.Optional;

/** The name and default severity of every event, and the record that carries it. */
public enum EventType {
    AGENT_CONNECTED("agent.connected", Severity.INFO, PortholeEvent.AgentConnected.class),
    AGENT_DISCONNECTED("agent.disconnected", Severity.INFO, PortholeEvent.AgentDisconnected.class),
    TUNNEL_OPENED("tunnel.opened", Severity.INFO, PortholeEvent.TunnelOpened.class),
    TUNNEL_CLOSED("tunnel.closed", Severity.INFO, PortholeEvent.TunnelClosed.class),
    AUTH_FAILED("auth.failed", Severity.WARNING, PortholeEvent.AuthFailed.class),
    CLIENT_CREATED("client.created", Severity.INFO, PortholeEvent.ClientCreated.class),
    CLIENT_DISABLED("client.disabled", Severity.WARNING, PortholeEvent.ClientDisabled.class),
    CLIENT_DELETED("client.deleted", Severity.WARNING, PortholeEvent.ClientDeleted.class),
    SIGNING_SECRET_ROTATED("secret.rotated", Severity.WARNING, PortholeEvent.SigningSecretRotated.class),
    LIMIT_HIT("limit.hit", Severity.WARNING, PortholeEvent.LimitHit.class),
    POLICY_REFUSED("policy.refused", Severity.INFO, PortholeEvent.PolicyRefused.class),
    PUBLIC_SESSION_EXPIRED("public-session.expired", Severity.INFO, PortholeEvent.PublicSessionExpired.class),
    GATEWAY_STARTED("gateway.started", Severity.INFO, PortholeEvent.GatewayStarted.class),
    GATEWAY_DRAINING("gateway.draining", Severity.WARNING, PortholeEvent.GatewayDraining.class),
    CONFIG_REJECTED("config.rejected", Severity.CRITICAL, PortholeEvent.ConfigRejected.class),
    CONFIG_RELOADED("config.reloaded", Severity.INFO, PortholeEvent.ConfigReloaded.class),
    CERTIFICATE_REJECTED("tls.certificate-rejected", Severity.CRITICAL, PortholeEvent.CertificateRejected.class),
    CERTIFICATE_RELOADED("tls.certificate-reloaded", Severity.INFO, PortholeEvent.CertificateReloaded.class),
    CERTIFICATE_RENEWAL_FAILED("cert.renewal-failed", Severity.CRITICAL, PortholeEvent.CertificateRenewalFailed.class);

    private final String wireName;
    private final Severity severity;
    private final Class<? extends PortholeEvent> recordType;

    EventType(String wireName, Severity severity, Class<? extends PortholeEvent> recordType) {
        this.wireName = wireName;
        this.severity = severity;
        this.recordType = recordType;
    }

    /** The name used in JSON and in channel filters, for example {@code agent.connected}. */
    public String wireName() {
        return wireName;
    }

    public Severity severity() {
        return severity;
    }

    public Class<? extends PortholeEvent> recordType() {
        return recordType;
    }

    /** The type of an event record. */
    public static EventType of(PortholeEvent event) {
        for (EventType type : values()) {
            if (type.recordType == event.getClass()) {
                return type;
            }
        }
        throw new IllegalStateException("no EventType for " + event.getClass().getName());
    }

    /** The type with this wire name, if any. */
    public static Optional<EventType> fromWireName(String name) {
        for (EventType type : values()) {
            if (type.wireName.equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
