package dev.porthole.notification.process;

import dev.porthole.protocol.event.EventEnvelope;
import dev.porthole.protocol.event.PortholeEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** The environment the process tests give notification-service, and the events they write. */
final class ProcessSetup {

    static final String HOOK = "/it/services/T/B/hook";

    private ProcessSetup() {}

    /**
     * Production settings through the environment: a Slack default channel whose template is the
     * event id, a limit high enough that nothing is merged, and short claim and retry times.
     */
    static Map<String, String> env(String redisUrl, String webhookUrl, String consumer) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_REDIS_HOSTS", redisUrl);
        env.put("NOTIFICATION_PROVIDER", "slack");
        env.put("NOTIFICATION_URL", webhookUrl);
        env.put("PORTHOLE_NOTIFY_DEFAULT_CHANNEL_TEMPLATE", "{id}");
        env.put("PORTHOLE_NOTIFY_DEFAULT_CHANNEL_FORMAT", "text");
        env.put("PORTHOLE_NOTIFY_RATE_LIMITS_SLACK", "100000/1s");
        env.put("PORTHOLE_NOTIFY_CONSUMER_NAME", consumer);
        env.put("PORTHOLE_NOTIFY_CONSUMER_BLOCK", "500ms");
        env.put("PORTHOLE_NOTIFY_CONSUMER_CLAIM_MIN_IDLE", "3s");
        env.put("PORTHOLE_NOTIFY_CONSUMER_CLAIM_INTERVAL", "1s");
        env.put("PORTHOLE_NOTIFY_DELIVERY_INITIAL_BACKOFF", "200ms");
        env.put("PORTHOLE_NOTIFY_DELIVERY_MAX_BACKOFF", "500ms");
        env.put("PORTHOLE_NOTIFY_DELIVERY_MAX_ATTEMPTS", "100");
        env.put("PORTHOLE_NOTIFY_DELIVERY_JITTER", "0");
        env.put("PORTHOLE_ADMIN_KEY", "it-admin-key-0123456789abcdef0123456789");
        return env;
    }

    static EventEnvelope event(String tag) {
        return new EventEnvelope(
                "it-" + tag + "-" + UUID.randomUUID(),
                Instant.now(),
                "gateway/it",
                new PortholeEvent.ClientCreated("c-" + tag, "admin"));
    }
}
