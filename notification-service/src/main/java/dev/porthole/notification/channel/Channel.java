package dev.porthole.notification.channel;

import dev.porthole.notification.message.MessageFormat;
import dev.porthole.notification.message.MessageTemplate;
import dev.porthole.notification.provider.ProviderKind;
import dev.porthole.notification.provider.Webhook;
import dev.porthole.notification.provider.WebhookUrls;
import java.util.Objects;
import java.util.Optional;

/**
 * A place notifications go: one chat service webhook with its filter, template and format.
 * {@link #toString()} never shows the URL or the secret.
 *
 * @param id unique id; {@code default} is the channel defined by configuration
 * @param provider the chat service
 * @param url the webhook URL, which carries the robot's key
 * @param secret signing secret (DingTalk, Feishu)
 * @param filter which events it wants
 * @param template optional message template
 * @param format rich or plain text
 * @param origin where it was defined
 */
public record Channel(
        String id,
        ProviderKind provider,
        String url,
        Optional<String> secret,
        ChannelFilter filter,
        Optional<MessageTemplate> template,
        MessageFormat format,
        Origin origin) {

    /** Id of the channel defined by NOTIFICATION_* / porthole.notify.default-channel.* settings. */
    public static final String DEFAULT_ID = "default";

    /** Where a channel was defined. */
    public enum Origin {
        /** By configuration (the {@code default} channel); read-only over the API. */
        CONFIG,
        /** Over the admin API, stored in Redis. */
        API
    }

    public Channel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(origin, "origin");
    }

    public Webhook webhook() {
        return new Webhook(url, secret, format);
    }

    @Override
    public String toString() {
        return "Channel[id=" + id + ", provider=" + provider.wireName() + ", url=" + WebhookUrls.mask(url) + "]";
    }
}
