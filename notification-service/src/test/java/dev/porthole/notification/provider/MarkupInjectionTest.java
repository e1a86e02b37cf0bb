package dev.porthole.notification.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.notification.message.MessageFormat;
import dev.porthole.notification.testing.NotificationFixture;
import dev.porthole.protocol.event.EventEnvelope;
import dev.porthole.protocol.event.EventType;
import dev.porthole.protocol.event.PortholeEvent;
import dev.porthole.testing.RedisTestResource;
import dev.porthole.testing.WebhookReceiver;
import dev.porthole.testing.WebhookReceiver.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Text an agent or a visitor chose (a claimed client id, a close reason) reaches chat messages as text,
 * never as markup: no disguised link, no mention, no heading or font tag. Each provider's payload is
 * checked byte for byte as a local receiver got it. Markup characters of the provider's syntax become
 * their full-width look-alikes (none of these services documents an escape character for its chat
 * markdown), line breaks become spaces; an operator's template keeps its own markup.
 */
@QuarkusTest
@QuarkusTestResource(RedisTestResource.class)
class MarkupInjectionTest {

    private static final String PHISHING_ID = "[Re-enter admin key](https://evil.example)";
    private static final String HOSTILE_REASON = "**urgent** <at user_id=\"all\"></at>\n# <@admin> `x` ~~gone~~";
    private static final String DINGTALK_OK = "{\"errcode\":0,\"errmsg\":\"ok\"}";
    private static final String FEISHU_OK = "{\"code\":0,\"msg\":\"success\"}";

    private final WebhookReceiver receiver = WebhookReceiver.shared();

    @Inject
    NotificationFixture fixture;

    private static EventEnvelope hostile(String id) {
        return new EventEnvelope(
                id,
                Instant.parse("2026-01-02T03:04:05Z"),
                "auth/test",
                new PortholeEvent.AuthFailed(PHISHING_ID, "198.51.100.7", HOSTILE_REASON, 1, 0));
    }

    private String deliver(String path, String okBody, ProviderKind provider, MessageFormat format, String template) {
        receiver.reply(path, Reply.json(200, okBody));
        fixture.channels()
                .create(
                        "markup-" + path.hashCode(),
                        provider,
                        receiver.url(path),
                        Optional.empty(),
                        format,
                        template,
                        EventType.AUTH_FAILED);
        fixture.events().append(hostile("e-" + path.hashCode()));
        return receiver.awaitOnlyRequest(path).bodyText();
    }

    @Test
    void dingTalkMarkdownShowsAgentTextAsText() {
        String id = "［Re-enter admin key］(https://evil.example)";
        String reason = "＊＊urgent＊＊ ＜at user＿id=\\\"all\\\"＞＜/at＞ # ＜@admin＞ ｀x｀ ~~gone~~";
        assertThat(deliver("/markup/dingtalk", DINGTALK_OK, ProviderKind.DINGTALK, MessageFormat.RICH, null))
                .isEqualTo(
                        "{\"msgtype\":\"markdown\",\"markdown\":{\"title\":\"Porthole · auth.failed\",\"text\":\"#### Porthole · auth.failed\\n\\n"
                                + "1 failed authentication(s) in 0s from 198.51.100.7 for client " + id + ": " + reason
                                + ".\\n\\n"
                                + "- **clientId**: " + id + "\\n- **remoteAddress**: 198.51.100.7\\n- **reason**: "
                                + reason
                                + "\\n- **count**: 1\\n- **windowSeconds**: 0\\n- **at**: 2026-01-02T03:04:05Z\\n- **source**: auth/test\"}}");
    }

    @Test
    void dingTalkTemplateKeepsTheOperatorsMarkupOnly() {
        assertThat(deliver(
                        "/markup/dingtalk-template",
                        DINGTALK_OK,
                        ProviderKind.DINGTALK,
                        MessageFormat.RICH,
                        "**{type}** for {clientId}"))
                .isEqualTo(
                        "{\"msgtype\":\"markdown\",\"markdown\":{\"title\":\"Porthole · auth.failed\",\"text\":\"#### Porthole · auth.failed\\n\\n"
                                + "**auth.failed** for ［Re-enter admin key］(https://evil.example)\"}}");
    }

    @Test
    void weComMarkdownShowsAgentTextAsText() {
        String id = "［Re-enter admin key］(https://evil.example)";
        String reason = "＊＊urgent＊＊ ＜at user_id=\\\"all\\\"＞＜/at＞ # ＜@admin＞ ｀x｀ ~~gone~~";
        assertThat(deliver("/markup/wecom", DINGTALK_OK, ProviderKind.WECOM, MessageFormat.RICH, null))
                .isEqualTo("{\"msgtype\":\"markdown\",\"markdown\":{\"content\":\"**Porthole · auth.failed**\\n"
                        + "1 failed authentication(s) in 0s from 198.51.100.7 for client " + id + ": " + reason + ".\\n"
                        + "> clientId: " + id + "\\n> remoteAddress: 198.51.100.7\\n> reason: " + reason
                        + "\\n> count: 1\\n> windowSeconds: 0\\n> at: 2026-01-02T03:04:05Z\\n> source: auth/test\"}}");
    }

    @Test
    void feishuCardShowsAgentTextAsText() {
        String id = "［Re-enter admin key］(https://evil.example)";
        String reason = "＊＊urgent＊＊ ＜at user＿id=\\\"all\\\"＞＜/at＞ # ＜@admin＞ ｀x｀ ～～gone～～";
        assertThat(deliver("/markup/feishu", FEISHU_OK, ProviderKind.FEISHU, MessageFormat.RICH, null))
                .isEqualTo(
                        "{\"msg_type\":\"interactive\",\"card\":{\"header\":{\"title\":{\"tag\":\"plain_text\",\"content\":\"Porthole · auth.failed\"},"
                                + "\"template\":\"orange\"},\"elements\":[{\"tag\":\"div\",\"text\":{\"tag\":\"lark_md\",\"content\":"
                                + "\"1 failed authentication(s) in 0s from 198.51.100.7 for client " + id + ": "
                                + reason + ".\\n"
                                + "**clientId**: " + id + "\\n**remoteAddress**: 198.51.100.7\\n**reason**: " + reason
                                + "\\n**count**: 1\\n**windowSeconds**: 0\\n**at**: 2026-01-02T03:04:05Z\\n**source**: auth/test\"}}]}}");
    }

    @Test
    void feishuTextCannotMentionAnyone() {
        String reason = "**urgent** ＜at user_id=\\\"all\\\"＞＜/at＞ # ＜@admin＞ `x` ~~gone~~";
        assertThat(deliver("/markup/feishu-text", FEISHU_OK, ProviderKind.FEISHU, MessageFormat.TEXT, null))
                .isEqualTo("{\"msg_type\":\"text\",\"content\":{\"text\":\"Porthole · auth.failed\\n"
                        + "1 failed authentication(s) in 0s from 198.51.100.7 for client " + PHISHING_ID + ": " + reason
                        + ".\\n"
                        + "clientId: " + PHISHING_ID + "\\nremoteAddress: 198.51.100.7\\nreason: " + reason
                        + "\\ncount: 1\\nwindowSeconds: 0\\nat: 2026-01-02T03:04:05Z\\nsource: auth/test\"}}");
    }
}
