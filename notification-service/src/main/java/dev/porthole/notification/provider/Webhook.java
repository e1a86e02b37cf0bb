package dev.porthole.notification.provider;

import dev.porthole.notification.message.MessageFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how to post: the webhook URL (which carries the robot's key), the optional signing
 * secret and the message format. {@link #toString()} never shows the URL or the secret.
 *
 * @param url the webhook URL
 * @param secret signing secret (DingTalk, Feishu)
 * @param format rich or plain text
 */
public record Webhook(String url, Optional<String> secret, MessageFormat format) {

    public Webhook {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(format, "format");
    }

    @Override
    public String toString() {
        return "Webhook[url=" + WebhookUrls.mask(url) + ", secret=" + (secret.isPresent() ? "***" : "none")
                + ", format=" + format + "]";
    }
}
