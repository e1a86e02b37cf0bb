package dev.porthole.gateway.config;

import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;

/** The tunnel registry. */
public interface RegistryConfig {
    /** Expiry of a claim in Redis; a dead gateway's names free up after this. */
    @WithDefault("30s")
    Duration ttl();

    /** How often a live session refreshes its claims; must be well below {@code ttl}. */
    @WithDefault("10s")
    @DurationMin(millis = 1)
    Duration refreshInterval();

    /** Attempts to find a free random name before giving up. */
    @WithDefault("20")
    @Positive
    int randomNameAttempts();

    /**
     * How long a random name stays its owner's after its session ended (or its gateway died):
     * only the same agent (the same client for a JWT session) may claim it meanwhile, so that a
     * webhook URL someone configured is not handed to a stranger. 0s: freed at once.
     */
    @WithDefault("24h")
    @DurationMin(millis = 0, message = "must be 0s or more")
    Duration nameTombstone();
}
