package dev.porthole.notification.config;

import dev.porthole.notification.message.MessageTemplate;
import dev.porthole.notification.provider.ProviderKind;
import dev.porthole.protocol.admin.AdminTokenKey;
import dev.porthole.protocol.event.EventType;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks what single-key validation cannot (combinations, URLs, templates) before anything starts,
 * and stops start-up with one line per mistake, each naming its environment variable.
 */
@ApplicationScoped
public class ConfigCheck {

    void check(@Observes @Priority(1) StartupEvent event, NotificationConfig config) {
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            problems.forEach(p -> Log.error("configuration: " + p));
            throw new ConfigurationException(
                    "notification-service configuration is invalid:\n  - " + String.join("\n  - ", problems));
        }
    }

    static List<String> problems(NotificationConfig config) {
        List<String> problems = new ArrayList<>();
        config.admin().key().ifPresent(key -> {
            if (key.length() < AdminTokenKey.MIN_ADMIN_KEY_LENGTH) {
                problems.add(
                        "PORTHOLE_ADMIN_KEY must be at least " + AdminTokenKey.MIN_ADMIN_KEY_LENGTH + " characters");
            }
        });
        NotificationConfig.DefaultChannel channel = config.notification().defaultChannel();
        if (channel.provider().isPresent() != channel.url().isPresent()) {
            problems.add(
                    "NOTIFICATION_PROVIDER and NOTIFICATION_URL go together: set both to define the default channel, or neither");
        }
        channel.url().ifPresent(url -> {
            try {
                URI uri = new URI(url);
                if (uri.getHost() == null || !(url.startsWith("https://") || url.startsWith("http://"))) {
                    problems.add("NOTIFICATION_URL must be an absolute http or https URL");
                }
            } catch (URISyntaxException e) {
                problems.add("NOTIFICATION_URL is not a valid URL");
            }
        });
        if (channel.secret().filter(s -> !s.isBlank()).isPresent()
                && channel.provider().filter(ProviderKind::signs).isEmpty()
                && channel.provider().isPresent()) {
            problems.add("NOTIFICATION_SECRET is set but "
                    + channel.provider().get().wireName() + " does not sign requests; remove it");
        }
        channel.eventTypes().orElse(List.of()).forEach(name -> {
            if (EventType.fromWireName(name.trim()).isEmpty()) {
                problems.add(
                        "PORTHOLE_NOTIFY_DEFAULT_CHANNEL_EVENT_TYPES has unknown event type '" + name.trim() + "'");
            }
        });
        channel.template().filter(t -> !t.isBlank()).ifPresent(t -> {
            List<String> unknown = new MessageTemplate(t).unknownPlaceholders();
            if (!unknown.isEmpty()) {
                problems.add("PORTHOLE_NOTIFY_DEFAULT_CHANNEL_TEMPLATE has unknown placeholder(s) " + unknown);
            }
        });
        NotificationConfig.Consumer consumer = config.notification().consumer();
        if (consumer.claimMinIdle().compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add("PORTHOLE_NOTIFY_CONSUMER_CLAIM_MIN_IDLE must be at least 1s");
        }
        if (!positive(consumer.block()) || !positive(consumer.claimInterval())) {
            problems.add("PORTHOLE_NOTIFY_CONSUMER_BLOCK and PORTHOLE_NOTIFY_CONSUMER_CLAIM_INTERVAL must be positive");
        }
        NotificationConfig.Delivery delivery = config.notification().delivery();
        if (!positive(delivery.timeout())) {
            problems.add("PORTHOLE_NOTIFY_DELIVERY_TIMEOUT must be positive");
        }
        if (!positive(delivery.initialBackoff()) || delivery.maxBackoff().compareTo(delivery.initialBackoff()) < 0) {
            problems.add(
                    "PORTHOLE_NOTIFY_DELIVERY_INITIAL_BACKOFF must be positive and at most PORTHOLE_NOTIFY_DELIVERY_MAX_BACKOFF");
        }
        if (config.notification().flapping().window().isNegative()) {
            problems.add("PORTHOLE_NOTIFY_FLAPPING_WINDOW must be 0 (off) or positive");
        }
        return problems;
    }

    private static boolean positive(Duration d) {
        return !d.isZero() && !d.isNegative();
    }
}
