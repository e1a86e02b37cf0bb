package dev.porthole.auth.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad console settings stop start-up with one sentence each, naming the environment variable. */
class ConsoleConfigCheckTest {

    /** The check of a configuration made of the defaults and {@code settings}. */
    static ConfigCheck check(Map<String, String> settings) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(AuthConfig.class)
                .withMapping(AdminConfig.class)
                .withMapping(InternalConfig.class)
                .withMapping(ConsoleConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withDefaultValues(settings)
                .build();
        return new ConfigCheck(
                config.getConfigMapping(AuthConfig.class),
                config.getConfigMapping(AdminConfig.class),
                config.getConfigMapping(InternalConfig.class),
                config.getConfigMapping(ConsoleConfig.class));
    }

    @Test
    void defaultsAreFine() {
        assertThat(check(Map.of()).problems()).isEmpty();
        assertThat(check(Map.of("porthole.console.notification-url", "http://notify:8082"))
                        .problems())
                .isEmpty();
    }

    @Test
    void everyBadConsoleSettingIsNamed() {
        assertThat(check(Map.of(
                                "porthole.console.notification-url", "ftp://notify",
                                "porthole.console.notification-timeout", "0s",
                                "porthole.console.refresh-interval", "100ms",
                                "porthole.console.max-events", "5000"))
                        .problems())
                .containsExactlyInAnyOrder(
                        "PORTHOLE_CONSOLE_NOTIFICATION_URL must be an http(s) URL such as http://notify:8082 (it is 'ftp://notify')",
                        "PORTHOLE_CONSOLE_NOTIFICATION_TIMEOUT must be a positive duration such as 30s or 10m (it is PT0S)",
                        "PORTHOLE_CONSOLE_REFRESH_INTERVAL must be at least 500ms",
                        "PORTHOLE_CONSOLE_MAX_EVENTS must be between 1 and 1000");
    }
}
