package dev.porthole.gateway.config;

import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.hibernate.validator.constraints.time.DurationMin;

/** Authentication of agents. */
public interface AuthConfig {
    /**
     * Static tokens that let an agent in with every grant. With none configured the gateway runs
     * in public mode: anyone may connect and gets random names only.
     */
    Optional<List<@Size(min = 16, message = "a token must be at least 16 characters") String>> tokens();

    /**
     * Base URL of auth-service (for example {@code http://auth-service:8081}). When set, every
     * agent handshake is decided there (tokens, client credentials, JWTs, public sessions) and
     * {@code tokens} must be empty.
     */
    Optional<java.net.URI> serviceUrl();

    /** How long the gateway waits for auth-service before telling the agent to retry. */
    @WithDefault("3s")
    @DurationMin(millis = 1)
    Duration serviceTimeout();

    /** TLS to auth-service ({@code https://} service URL): the CA to trust and the client certificate to present; unset: the JDK's trust store, no client certificate. */
    ServiceTlsConfig serviceTls();

    /** How long a positive answer from auth-service is reused for the same credentials (0s: never). */
    @WithDefault("30s")
    Duration cacheTtl();

    /** Most cached answers; the least recently used go first. */
    @WithDefault("10000")
    @Positive
    int cacheSize();

    /**
     * Most public sessions (agents without credentials) from one source address, across all
     * gateways; 0: no limit. A public session's identity is whatever the agent says, so the
     * address is what keeps one party from opening them by the thousand.
     */
    @WithDefault("10")
    @PositiveOrZero
    int publicSessionsPerAddress();

    /** Most public sessions across all gateways together; 0: no limit. */
    @WithDefault("500")
    @PositiveOrZero
    int publicSessions();
}
