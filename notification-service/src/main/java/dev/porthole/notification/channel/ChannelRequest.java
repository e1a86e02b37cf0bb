package dev.porthole.notification.channel;

import java.util.List;

/**
 * Body of {@code POST /api/v1/channels} and {@code PUT /api/v1/channels/{id}}. On update, a field
 * left out (null) keeps its value; an empty {@code secret} or {@code template} removes it; an
 * empty {@code eventTypes} list means every type.
 *
 * @param id channel id (create only; generated when absent)
 * @param provider dingtalk, feishu, wecom or slack
 * @param url webhook URL
 * @param secret signing secret (dingtalk, feishu)
 * @param eventTypes event wire names, for example {@code tunnel.closed}
 * @param minSeverity info, warning or critical
 * @param template message template with {@code {placeholders}}
 * @param format rich or text
 */
public record ChannelRequest(
        String id,
        String provider,
        String url,
        String secret,
        List<String> eventTypes,
        String minSeverity,
        String template,
        String format) {}
