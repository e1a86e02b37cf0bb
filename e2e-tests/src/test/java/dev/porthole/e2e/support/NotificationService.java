package dev.porthole.e2e.support;

import dev.porthole.testing.ServiceProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * notification-service as its own process, posting to a Slack-shaped webhook. The test stops it
 * (it is none of a {@link PortholeSystem}'s processes, so a test decides when it goes).
 */
public final class NotificationService {

    private NotificationService() {}

    /**
     * Starts notification-service on loopback {@code port} (its management port a free one) with
     * the Slack provider posting to {@code slackUrl}, and {@code settings} (its Redis, its event
     * types, rates) on top; its log goes to {@code logDir}.
     */
    public static ServiceProcess start(Path logDir, int port, String slackUrl, Map<String, String> settings) {
        Map<String, String> env = ServiceProcess.onLoopback(port);
        env.putAll(Map.of("NOTIFICATION_PROVIDER", "slack", "NOTIFICATION_URL", slackUrl));
        env.putAll(settings);
        return ServiceProcess.start(
                "notification-service", "notification-service", List.of("-Xmx128m"), List.of(), env, logDir);
    }
}
