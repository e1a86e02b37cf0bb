package dev.porthole.notification.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.testing.RedisServerProcess;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A bad configuration stops the packaged service at start-up with one clear line per mistake. */
class StartupConfigIT {

    @Test
    void refusesAKeyOutOfItsRangeNamingPropertyAndVariable() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.startOnFreePort()) {
            NotificationProcess service = new NotificationProcess(
                    "bad-key",
                    Map.of(
                            "QUARKUS_REDIS_HOSTS", redis.url(),
                            "PORTHOLE_ADMIN_KEY", "too-short",
                            "PORTHOLE_NOTIFY_CONSUMER_BATCH_SIZE", "-1"));

            assertThat(service.runToExit()).isNotZero();
            assertThat(service.output())
                    .contains("porthole.admin.key (PORTHOLE_ADMIN_KEY) must be at least 32 characters")
                    .contains("porthole.notify.consumer.batch-size (PORTHOLE_NOTIFY_CONSUMER_BATCH_SIZE)"
                            + " must be greater than or equal to 1");
        }
    }

    @Test
    void refusesToStartAndNamesEveryMistake() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.startOnFreePort()) {
            Map<String, String> env = Map.of(
                    "QUARKUS_REDIS_HOSTS", redis.url(),
                    "NOTIFICATION_PROVIDER", "wecom",
                    "NOTIFICATION_SECRET", "wecom-does-not-sign",
                    "PORTHOLE_NOTIFY_DEFAULT_CHANNEL_TEMPLATE", "{type} {bogus}");
            NotificationProcess service = new NotificationProcess("bad-config", env);

            int exit = service.runToExit();

            assertThat(exit).isNotZero();
            String log = service.output();
            assertThat(log)
                    .contains("porthole.notify.default-channel.provider (PORTHOLE_NOTIFY_DEFAULT_CHANNEL_PROVIDER):"
                            + " NOTIFICATION_PROVIDER and NOTIFICATION_URL go together")
                    .contains("NOTIFICATION_SECRET is set but wecom does not sign requests; remove it")
                    .contains("porthole.notify.default-channel.template (PORTHOLE_NOTIFY_DEFAULT_CHANNEL_TEMPLATE):"
                            + " unknown placeholder(s) [bogus]");
            assertThat(Path.of("target/quarkus-app/quarkus-run.jar")).exists();
        }
    }
}
