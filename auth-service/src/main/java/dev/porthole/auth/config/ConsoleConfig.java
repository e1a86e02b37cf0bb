package dev.porthole.auth.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.hibernate.validator.constraints.Range;
import org.hibernate.validator.constraints.time.DurationMin;

/** The operator console under {@code /console} ({@code PORTHOLE_CONSOLE_...}). */
@ConfigMapping(prefix = "porthole.console")
public interface ConsoleConfig {

    /** notification-service's base URL (for example {@code http://notify:8082}); unset: the console says it is not configured. */
    Optional<URI> notificationUrl();

    /** How long the console waits for notification-service (a "send test" call waits for the webhook). */
    @WithDefault("10s")
    @DurationMin(millis = 1)
    Duration notificationTimeout();

    /** How often open live console pages are updated (sessions table, new events) and their session checked again. */
    @WithDefault("2s")
    @DurationMin(millis = 500)
    Duration refreshInterval();

    /** Most events the events page shows (newest first). */
    @WithDefault("100")
    @Range(min = 1, max = 1000)
    int maxEvents();
}
