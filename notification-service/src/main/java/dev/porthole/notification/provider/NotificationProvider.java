package dev.porthole.notification.provider;

import dev.porthole.notification.message.Message;

/**
 * One chat service: builds the exact request its public documentation specifies and reads its
 * documented answer. Adding a service is one implementation of this interface plus a
 * {@link ProviderKind} constant and a rate limit in NotificationConfig.
 */
public interface NotificationProvider {

    ProviderKind kind();

    /** The HTTP POST that carries the message, signed when the webhook has a secret. */
    WebhookRequest request(Webhook webhook, Message message);

    /** What the service's answer means: delivered, retry later, or rejected for good. */
    Verdict verdict(WebhookResponse response);
}
