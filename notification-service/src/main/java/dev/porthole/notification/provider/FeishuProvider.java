package dev.porthole.notification.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porthole.notification.message.Message;
import dev.porthole.notification.message.MessageFormat;
import dev.porthole.notification.message.TextLimit;
import dev.porthole.protocol.event.Severity;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Feishu / Lark custom bot ({@code https://open.feishu.cn/open-apis/bot/v2/hook/...}): text or
 * interactive card messages; with a secret ("签名校验"), the body carries {@code timestamp}
 * (seconds, as a string) and {@code sign} = Base64(HmacSHA256(key = timestamp + "\n" + secret,
 * data = empty)). Success when the JSON {@code code} is 0.
 */
@ApplicationScoped
public class FeishuProvider implements NotificationProvider {

    /** Feishu refuses request bodies over 20 KB; leave room for the JSON around the text. */
    static final TextLimit CONTENT_LIMIT = TextLimit.utf8Bytes(18_000);

    /** 11232 "frequency limited": the bot sent more than 5 a second or 100 a minute. */
    static final int FREQUENCY_LIMITED = 11232;

    /** 9499 is Feishu's generic "Bad Request"; with msg "too many request" it means rate limited. */
    static final int BAD_REQUEST = 9499;

    private final ObjectMapper mapper;
    private final Clock clock;

    public FeishuProvider(ObjectMapper mapper, Clock clock) {
        this.mapper = mapper;
        this.clock = clock;
    }

    @Override
    public ProviderKind kind() {
        return ProviderKind.FEISHU;
    }

    /** Base64(HmacSHA256(key = timestamp + "\n" + secret, data = empty)). */
    public static String sign(String secret, long timestampSeconds) {
        return HmacSha256.base64(timestampSeconds + "\n" + secret, "");
    }

    @Override
    public WebhookRequest request(Webhook webhook, Message message) {
        ObjectNode body = mapper.createObjectNode();
        if (webhook.secret().isPresent()) {
            long timestamp = clock.instant().getEpochSecond();
            body.put("timestamp", Long.toString(timestamp));
            body.put("sign", sign(webhook.secret().get(), timestamp));
        }
        if (webhook.format() == MessageFormat.TEXT) {
            body.put("msg_type", "text");
            body.putObject("content").put("text", CONTENT_LIMIT.apply(message.plainText(ChatMarkup.FEISHU_TEXT)));
        } else {
            body.put("msg_type", "interactive");
            ObjectNode card = body.putObject("card");
            ObjectNode header = card.putObject("header");
            header.putObject("title").put("tag", "plain_text").put("content", message.title());
            header.put("template", color(message.severity()));
            String details = message.detailLines("**%s**: %s", ChatMarkup.FEISHU_LARK_MD);
            String content = message.text(ChatMarkup.FEISHU_LARK_MD) + (details.isEmpty() ? "" : "\n" + details);
            ObjectNode div = card.putArray("elements").addObject().put("tag", "div");
            div.putObject("text").put("tag", "lark_md").put("content", CONTENT_LIMIT.apply(content));
        }
        return new WebhookRequest(URI.create(webhook.url()), JsonPayload.bytes(mapper, body, kind()));
    }

    private static String color(Severity severity) {
        return switch (severity) {
            case INFO -> "blue";
            case WARNING -> "orange";
            case CRITICAL -> "red";
        };
    }

    @Override
    public Verdict verdict(WebhookResponse response) {
        Optional<Verdict> byStatus = RobotVerdicts.byStatus(response, clock);
        if (byStatus.isPresent()) {
            return byStatus.get();
        }
        // Feishu answers errors with HTTP 400 and a JSON body, so the body decides, not the status.
        JsonAnswer answer = JsonAnswer.parse(mapper, response.body());
        OptionalInt code = answer.integer("code");
        if (code.isEmpty()) {
            return Verdict.rejected(
                    (response.status() == 200 ? "unexpected answer without code: " : "HTTP " + response.status() + ": ")
                            + response.snippet());
        }
        String msg = answer.text("msg");
        String said = "code " + code.getAsInt() + ": " + msg;
        if (code.getAsInt() == 0 && response.status() / 100 == 2) {
            return Verdict.delivered();
        }
        if (code.getAsInt() == FREQUENCY_LIMITED
                || (code.getAsInt() == BAD_REQUEST
                        && msg.toLowerCase(Locale.ROOT).contains("too many request"))) {
            return Verdict.rateLimited(said, Optional.empty());
        }
        return Verdict.rejected(said);
    }
}
