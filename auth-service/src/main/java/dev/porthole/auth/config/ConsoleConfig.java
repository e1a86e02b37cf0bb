package dev.porthole.auth.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** The operator console under {@code /console} ({@code PORTHOLE_CONSOLE_...}). */
@ConfigMapping(prefix = "porthole.console")
public interface ConsoleConfig {

    /** notification-service's base URL (for example {@code http://notify:8082}); unset: the console says it is not configured. */
    Optional<URI> notificationUrl();

    /** How long the console waits for notification-service (a "send test" call waits for the webhook). */
    @WithDefault("10s")
    Duration notificationTimeout();

    /** How often open live console pages are updated (sessions table, new events) and their session checked again. */
    @WithDefault("2s")
    Duration refreshInterval();

    /** Most events the events page shows (newest first). */
    @WithDefault("100")
    int maxEvents();
}
