package dev.porthole.auth.jwt;

/** The outcome of checking an agent JWT. */
public sealed interface AgentJwtVerification {

    /**
     * The JWT is genuine and within its rules.
     *
     * @param clientId its {@code tid}
     * @param jti its id, or null when it has none
     * @param keyId the {@code kid} of the secret that verified it
     */
    record Valid(String clientId, String jti, String keyId) implements AgentJwtVerification {}

    /**
     * The JWT is refused.
     *
     * @param reason short kebab-case reason for events and metrics
     * @param detail the sentence the agent prints
     */
    record Invalid(String reason, String detail) implements AgentJwtVerification {}
}
