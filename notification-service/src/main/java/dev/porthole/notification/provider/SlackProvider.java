package dev.porthole.notification.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porthole.notification.message.Message;
import dev.porthole.notification.message.MessageFormat;
import dev.porthole.notification.message.TextLimit;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Clock;

/**
 * Slack incoming webhook ({@code https://hooks.slack.com/services/...}): {@code text} (the
 * notification fallback) plus Block Kit {@code blocks} (a header, a mrkdwn section, detail fields).
 * Success is HTTP 200 with the body {@code ok}; 429 is retried after its Retry-After; other 4xx
 * (invalid_payload, no_text, action_prohibited, channel_not_found, channel_is_archived, ...) are final.
 */
@ApplicationScoped
public class SlackProvider implements NotificationProvider {

    /** Header block text: at most 150 characters. */
    static final TextLimit HEADER_LIMIT = TextLimit.codePoints(150);

    /** Section text and fallback text: at most 3000 characters. */
    static final TextLimit SECTION_LIMIT = TextLimit.codePoints(3000);

    /** Section field text: at most 2000 characters; at most 10 fields. */
    static final TextLimit FIELD_LIMIT = TextLimit.codePoints(2000);

    static final int MAX_FIELDS = 10;

    private final ObjectMapper mapper;
    private final Clock clock;

    public SlackProvider(ObjectMapper mapper, Clock clock) {
        this.mapper = mapper;
        this.clock = clock;
    }

    @Override
    public ProviderKind kind() {
        return ProviderKind.SLACK;
    }

    @Override
    public WebhookRequest request(Webhook webhook, Message message) {
        ObjectNode body = mapper.createObjectNode();
        if (webhook.format() == MessageFormat.TEXT) {
            body.put("text", SECTION_LIMIT.apply(escape(message.plainText())));
        } else {
            body.put("text", SECTION_LIMIT.apply(escape(message.title() + ": " + message.text())));
            ArrayNode blocks = body.putArray("blocks");
            ObjectNode header = blocks.addObject().put("type", "header");
            header.putObject("text").put("type", "plain_text").put("text", HEADER_LIMIT.apply(message.title()));
            ObjectNode section = blocks.addObject().put("type", "section");
            section.putObject("text").put("type", "mrkdwn").put("text", SECTION_LIMIT.apply(escape(message.text())));
            if (!message.details().isEmpty()) {
                ArrayNode fields = blocks.addObject().put("type", "section").putArray("fields");
                message.details().stream()
                        .limit(MAX_FIELDS)
                        .forEach(d -> fields.addObject()
                                .put("type", "mrkdwn")
                                .put("text", FIELD_LIMIT.apply("*" + escape(d.name()) + "*\n" + escape(d.value()))));
            }
        }
        return new WebhookRequest(URI.create(webhook.url()), JsonPayload.bytes(mapper, body, kind()));
    }

    /** Slack's mrkdwn treats &, < and > as control characters; they must be sent as entities. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    @Override
    public Verdict verdict(WebhookResponse response) {
        int status = response.status();
        if (status == 200
                && "ok".equals(response.body() == null ? null : response.body().trim())) {
            return Verdict.delivered();
        }
        if (status == 429) {
            return Verdict.rateLimited(
                    "HTTP 429: " + response.snippet(), RetryAfter.parse(response.retryAfter(), clock));
        }
        if (status >= 500) {
            return Verdict.retry("HTTP " + status + ": " + response.snippet());
        }
        return Verdict.rejected((status == 200 ? "unexpected answer: " : "HTTP " + status + ": ") + response.snippet());
    }
}
