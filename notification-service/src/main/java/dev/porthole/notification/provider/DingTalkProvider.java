package dev.porthole.notification.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porthole.notification.message.Message;
import dev.porthole.notification.message.MessageFormat;
import dev.porthole.notification.message.TextLimit;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Set;

/**
 * DingTalk custom robot ({@code https://oapi.dingtalk.com/robot/send?access_token=...}): text or
 * markdown messages; with a secret ("加签"), {@code timestamp} (ms) and {@code sign} =
 * URL-encoded Base64(HmacSHA256(key = secret, data = timestamp + "\n" + secret)) are appended as
 * query parameters. Success only when the JSON {@code errcode} is 0, even on HTTP 200.
 */
@ApplicationScoped
public class DingTalkProvider implements NotificationProvider {

    /** DingTalk refuses messages over 20000 bytes; leave room for the JSON around the text. */
    static final TextLimit CONTENT_LIMIT = TextLimit.utf8Bytes(18_000);

    /** 130101 "send too fast, exceed 20 times per minute"; 410100 "发送速度太快而限流". */
    static final Set<Integer> RATE_LIMITED = Set.of(130101, 410100);

    private final ObjectMapper mapper;
    private final Clock clock;

    public DingTalkProvider(ObjectMapper mapper, Clock clock) {
        this.mapper = mapper;
        this.clock = clock;
    }

    @Override
    public ProviderKind kind() {
        return ProviderKind.DINGTALK;
    }

    /** Base64(HmacSHA256(key = secret, data = timestamp + "\n" + secret)), before URL encoding. */
    public static String sign(String secret, long timestampMillis) {
        return HmacSha256.base64(secret, timestampMillis + "\n" + secret);
    }

    @Override
    public WebhookRequest request(Webhook webhook, Message message) {
        ObjectNode body = mapper.createObjectNode();
        if (webhook.format() == MessageFormat.TEXT) {
            body.put("msgtype", "text");
            body.putObject("text").put("content", CONTENT_LIMIT.apply(message.plainText(ChatMarkup.TEXT)));
        } else {
            body.put("msgtype", "markdown");
            ObjectNode markdown = body.putObject("markdown");
            markdown.put("title", message.title());
            markdown.put("text", CONTENT_LIMIT.apply(markdown(message)));
        }
        String url = webhook.url();
        if (webhook.secret().isPresent()) {
            long timestamp = clock.millis();
            String sign = URLEncoder.encode(sign(webhook.secret().get(), timestamp), StandardCharsets.UTF_8);
            url = url + (url.contains("?") ? "&" : "?") + "timestamp=" + timestamp + "&sign=" + sign;
        }
        return new WebhookRequest(URI.create(url), JsonPayload.bytes(mapper, body, kind()));
    }

    static String markdown(Message message) {
        String details = message.detailLines("- **%s**: %s", ChatMarkup.DINGTALK_MARKDOWN);
        return "#### " + message.title() + "\n\n" + message.text(ChatMarkup.DINGTALK_MARKDOWN)
                + (details.isEmpty() ? "" : "\n\n" + details);
    }

    @Override
    public Verdict verdict(WebhookResponse response) {
        return RobotVerdicts.byErrcode(mapper, response, clock, RATE_LIMITED);
    }
}
