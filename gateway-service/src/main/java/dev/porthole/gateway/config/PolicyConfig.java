package dev.porthole.gateway.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;

/** Settings of the edge policies agents ask for (the rules themselves come with each tunnel). */
public interface PolicyConfig {
    /** How far the timestamp of a Stripe or Slack webhook signature may be from the gateway's clock; older is a replay. */
    @WithDefault("300s")
    @DurationMin(seconds = 1)
    Duration webhookTolerance();

    /** Largest body held in memory to verify a webhook signature (and never more than {@code limits.max-body-size}); larger gets 413. */
    @WithDefault("25M")
    MemorySize webhookMaxBody();

    /** Visitor addresses whose rate-limit buckets one tunnel keeps; the least recently seen is forgotten beyond it. */
    @WithDefault("10000")
    @Positive
    int rateLimitVisitors();

    /**
     * How long the gateway waits for an OIDC issuer's discovery document and keys when a tunnel with a login is claimed (at
     * most half of {@code heartbeat.timeout}: the agent waits meanwhile); also the bound on a login's code exchange.
     */
    @WithDefault("5s")
    @DurationMin(millis = 1)
    Duration oidcDiscoveryTimeout();

    /** How long an OIDC login at the edge lasts before the visitor is sent to the issuer again. */
    @WithDefault("12h")
    @DurationMin(seconds = 1)
    Duration oidcSession();

    /** Whether an agent may name an {@code http://} OIDC issuer (tests, a lab); production issuers are {@code https://}. */
    @WithDefault("false")
    boolean oidcAllowHttpIssuer();
}
