package dev.porthole.auth.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad console settings stop start-up with one sentence each, naming the environment variable. */
class ConsoleConfigCheckTest {

    @Test
    void defaultsAreFine() {
        assertThat(TestConfigs.problems(Map.of())).isEmpty();
        assertThat(TestConfigs.problems(Map.of("porthole.console.notification-url", "http://notify:8082")))
                .isEmpty();
    }

    @Test
    void everyConsoleSettingOutOfItsRangeIsNamedWithItsVariable() {
        assertThat(TestConfigs.problems(Map.of(
                        "porthole.console.notification-timeout", "0s",
                        "porthole.console.refresh-interval", "100ms",
                        "porthole.console.max-events", "5000")))
                .containsExactlyInAnyOrder(
                        "porthole.console.notification-timeout (PORTHOLE_CONSOLE_NOTIFICATION_TIMEOUT) must be longer than or equal to 1 milli",
                        "porthole.console.refresh-interval (PORTHOLE_CONSOLE_REFRESH_INTERVAL) must be longer than or equal to 500 millis",
                        "porthole.console.max-events (PORTHOLE_CONSOLE_MAX_EVENTS) must be between 1 and 1000");
    }

    @Test
    void aNotificationUrlThatIsNotHttpIsNamed() {
        assertThat(TestConfigs.problems(Map.of("porthole.console.notification-url", "ftp://notify")))
                .containsExactly(
                        "porthole.console.notification-url: must be an http(s) URL such as http://notify:8082 (it is 'ftp://notify')");
    }
}
