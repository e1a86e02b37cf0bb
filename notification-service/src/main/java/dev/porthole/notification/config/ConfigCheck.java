package dev.porthole.notification.config;

import dev.porthole.notification.message.MessageTemplate;
import dev.porthole.notification.provider.ProviderKind;
import dev.porthole.protocol.config.InvalidConfigurationException;
import dev.porthole.protocol.event.EventType;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks what the constraints on single keys cannot (combinations, URLs, templates) before anything
 * starts, and stops start-up with one line per mistake, each naming its property and environment
 * variable; a key that breaks its own constraint stopped start-up earlier, named the same way.
 */
@ApplicationScoped
public class ConfigCheck {

    void check(@Observes @Priority(1) StartupEvent event, NotificationConfig config) {
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            throw InvalidConfigurationException.logged("notification-service", problems);
        }
    }

    /** The mistakes across keys, URLs and templates, one sentence each starting with the property. */
    static List<String> problems(NotificationConfig config) {
        List<String> problems = new ArrayList<>();
        NotificationConfig.DefaultChannel channel = config.notification().defaultChannel();
        if (channel.provider().isPresent() != channel.url().isPresent()) {
            problems.add(
                    "porthole.notify.default-channel.provider: NOTIFICATION_PROVIDER and NOTIFICATION_URL go together:"
                            + " set both to define the default channel, or neither");
        }
        channel.url().ifPresent(url -> {
            try {
                URI uri = new URI(url);
                if (uri.getHost() == null || !(url.startsWith("https://") || url.startsWith("http://"))) {
                    problems.add(
                            "porthole.notify.default-channel.url: NOTIFICATION_URL must be an absolute http or https URL");
                }
            } catch (URISyntaxException e) {
                problems.add("porthole.notify.default-channel.url: NOTIFICATION_URL is not a valid URL");
            }
        });
        if (channel.secret().filter(s -> !s.isBlank()).isPresent()
                && channel.provider().filter(ProviderKind::signs).isEmpty()
                && channel.provider().isPresent()) {
            problems.add("porthole.notify.default-channel.secret: NOTIFICATION_SECRET is set but "
                    + channel.provider().get().wireName() + " does not sign requests; remove it");
        }
        channel.eventTypes().orElse(List.of()).forEach(name -> {
            if (EventType.fromWireName(name.trim()).isEmpty()) {
                problems.add("porthole.notify.default-channel.event-types: unknown event type '" + name.trim() + "'");
            }
        });
        channel.template().filter(t -> !t.isBlank()).ifPresent(t -> {
            List<String> unknown = new MessageTemplate(t).unknownPlaceholders();
            if (!unknown.isEmpty()) {
                problems.add("porthole.notify.default-channel.template: unknown placeholder(s) " + unknown);
            }
        });
        NotificationConfig.Delivery delivery = config.notification().delivery();
        if (delivery.maxBackoff().compareTo(delivery.initialBackoff()) < 0) {
            problems.add(
                    "porthole.notify.delivery.initial-backoff: must be at most porthole.notify.delivery.max-backoff"
                            + " (PORTHOLE_NOTIFY_DELIVERY_MAX_BACKOFF)");
        }
        return problems;
    }
}
