package dev.porthole.notification.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porthole.notification.message.Message;
import dev.porthole.notification.message.MessageFormat;
import dev.porthole.notification.message.TextLimit;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Clock;
import java.util.Set;

/**
 * WeCom (企业微信) group robot ({@code https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...}):
 * text (content at most 2048 bytes) or markdown (content at most 4096 bytes), UTF-8; longer
 * content is cut on a character boundary with an ellipsis. No signing: the key in the URL is the
 * credential. Success when the JSON {@code errcode} is 0.
 */
@ApplicationScoped
public class WeComProvider implements NotificationProvider {

    /** "文本内容，最长不超过2048个字节，必须是utf8编码". */
    static final TextLimit TEXT_LIMIT = TextLimit.utf8Bytes(2048);

    /** "markdown内容，最长不超过4096个字节，必须是utf8编码". */
    static final TextLimit MARKDOWN_LIMIT = TextLimit.utf8Bytes(4096);

    /** 45009 "api freq out of limit": more than 20 messages a minute. */
    static final int FREQUENCY_LIMITED = 45009;

    private final ObjectMapper mapper;
    private final Clock clock;

    public WeComProvider(ObjectMapper mapper, Clock clock) {
        this.mapper = mapper;
        this.clock = clock;
    }

    @Override
    public ProviderKind kind() {
        return ProviderKind.WECOM;
    }

    @Override
    public WebhookRequest request(Webhook webhook, Message message) {
        ObjectNode body = mapper.createObjectNode();
        if (webhook.format() == MessageFormat.TEXT) {
            body.put("msgtype", "text");
            body.putObject("text").put("content", TEXT_LIMIT.apply(message.plainText(ChatMarkup.TEXT)));
        } else {
            body.put("msgtype", "markdown");
            body.putObject("markdown").put("content", MARKDOWN_LIMIT.apply(markdown(message)));
        }
        return new WebhookRequest(URI.create(webhook.url()), JsonPayload.bytes(mapper, body, kind()));
    }

    static String markdown(Message message) {
        String details = message.detailLines("> %s: %s", ChatMarkup.WECOM_MARKDOWN);
        return "**" + message.title() + "**\n" + message.text(ChatMarkup.WECOM_MARKDOWN)
                + (details.isEmpty() ? "" : "\n" + details);
    }

    @Override
    public Verdict verdict(WebhookResponse response) {
        return RobotVerdicts.byErrcode(mapper, response, clock, Set.of(FREQUENCY_LIMITED));
    }
}
