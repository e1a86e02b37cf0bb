package dev.porthole.auth.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.hibernate.validator.constraints.Range;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * Every auth-service setting under {@code porthole.auth}; each key is also an environment variable
 * ({@code porthole.auth.public.enabled} is {@code PORTHOLE_AUTH_PUBLIC_ENABLED}).
 */
@ConfigMapping(prefix = "porthole.auth")
public interface AuthConfig {

    /** Configured static tokens, each with unrestricted grants (env: comma-separated list). */
    Optional<
                    List<
                            @Size(
                                    min = ConfigCheck.MIN_STATIC_TOKEN_LENGTH,
                                    message = "must be at least {min} characters")
                            String>>
            staticTokens();

    /** Anonymous, time-limited sessions. */
    @WithName("public")
    PublicMode publicMode();

    /** Rules for agent JWTs. */
    Jwt jwt();

    /** Slowing down repeated authentication failures. */
    Failures failures();

    /** How long an admin JWT from {@code POST /api/v1/admin/token} stays valid; at most a working day (8h), so a leaked one does not outlive it. */
    @WithDefault("15m")
    @DurationMin(millis = 1)
    @DurationMax(hours = 8)
    Duration adminTokenLifetime();

    /** bcrypt cost factor (log2 rounds, 4..31) for client secrets. */
    @WithDefault("10")
    @Range(min = 4, max = 31)
    int bcryptCost();

    /** Page size used when a list request names none. */
    @WithDefault("20")
    @Positive
    int defaultPageSize();

    /** Largest page a list request may ask for; larger is a validation error. */
    @WithDefault("100")
    @Positive
    int maxPageSize();

    /** Most issued tokens (static and JWT) one client may hold at once. */
    @WithDefault("50")
    @Positive
    int maxTokensPerClient();

    /** Name of this instance in event sources ({@code auth-service/<name>}); defaults to the host name. */
    Optional<String> instanceName();

    /** Anonymous sessions: random HTTP names only, no TCP, a limited lifetime. */
    interface PublicMode {
        /** Whether agents without credentials get a public session. */
        @WithDefault("true")
        boolean enabled();

        /** How long a public session lasts before the gateway closes it. */
        @WithDefault("10m")
        @DurationMin(millis = 1)
        Duration sessionLifetime();

        /** How long before the end the gateway warns the agent. */
        @WithDefault("2m")
        @DurationMin(millis = 0, message = "must be 0s or more")
        Duration warningLead();
    }

    /** Agent JWT verification. */
    interface Jwt {
        /** Audience ({@code aud}) a JWT must carry; when unset, {@code aud} is not checked. */
        Optional<String> audience();

        /** Clock difference allowed when checking {@code exp} and {@code nbf}; at most 5m, beyond it an expired token stays good too long. */
        @WithDefault("30s")
        @DurationMin(millis = 0, message = "must be 0s or more")
        @DurationMax(minutes = 5)
        Duration clockSkew();
    }

    /** Repeated failures from one address or for one client id are answered 429 for the rest of a window. */
    interface Failures {
        /** Length of the window that counts failures; it starts at the first failure. */
        @WithDefault("5m")
        @DurationMin(millis = 1)
        Duration window();

        /** Failures from one remote address within the window before it is refused with 429. */
        @WithDefault("20")
        @Positive
        int perAddress();

        /** Failures for one client id within the window before it is refused with 429. */
        @WithDefault("10")
        @Positive
        int perClient();

        /** How often closed windows are summed up into one aggregate {@code auth.failed} event. */
        @WithDefault("1s")
        @DurationMin(millis = 1)
        Duration flushInterval();
    }
}
