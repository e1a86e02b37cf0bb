package dev.porthole.notification.channel;

import dev.porthole.notification.provider.WebhookUrls;
import dev.porthole.protocol.event.EventType;
import java.util.List;

/**
 * A channel as the admin API shows it: the URL masked with a fingerprint, the secret only as
 * "set or not".
 *
 * @param id channel id
 * @param provider chat service
 * @param url scheme and host only, for example {@code https://oapi.dingtalk.com/***}
 * @param urlFingerprint tells URLs apart without showing them
 * @param secretSet whether a signing secret is stored
 * @param eventTypes event types delivered; empty means all
 * @param minSeverity lowest severity delivered
 * @param template the message template, if any
 * @param format rich or text
 * @param origin api, or config for the {@code default} channel
 */
public record ChannelView(
        String id,
        String provider,
        String url,
        String urlFingerprint,
        boolean secretSet,
        List<String> eventTypes,
        String minSeverity,
        String template,
        String format,
        String origin) {

    public static ChannelView of(Channel channel) {
        return new ChannelView(
                channel.id(),
                channel.provider().wireName(),
                WebhookUrls.mask(channel.url()),
                WebhookUrls.fingerprint(channel.url()),
                channel.secret().isPresent(),
                channel.filter().eventTypes().stream()
                        .map(EventType::wireName)
                        .sorted()
                        .toList(),
                channel.filter().minSeverity().name().toLowerCase(java.util.Locale.ROOT),
                channel.template().map(t -> t.text()).orElse(null),
                channel.format().name().toLowerCase(java.util.Locale.ROOT),
                channel.origin().name().toLowerCase(java.util.Locale.ROOT));
    }
}
