package dev.porthole.notification.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porthole.notification.message.Message;
import dev.porthole.notification.message.MessageFormat;
import dev.porthole.protocol.event.Severity;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Pins both signatures to worked examples computed outside Java: with OpenSSL
 * ({@code printf '1700000000000\nSECexample0123456789' | openssl dgst -sha256 -hmac SECexample0123456789 -binary | base64},
 * and for Feishu {@code -mac HMAC -macopt hexkey:<hex of "1599360473\nfeishu-secret">} over empty input) and
 * cross-checked with Python's hmac and urllib.parse.quote_plus, the encoding DingTalk's own sample uses.
 */
class SignatureKnownAnswerTest {

    private static final Message MESSAGE = new Message(Severity.INFO, "T", "hello", List.of());

    @Test
    void dingTalkSignIsBase64OfHmacWithTheSecretAsKeyOverTimestampNewlineSecret() {
        assertThat(DingTalkProvider.sign("SECexample0123456789", 1_700_000_000_000L))
                .isEqualTo("figG6qqCA/lRh0hsGCW2zNtNV5znkAFut5BI0zKhqnQ=");
    }

    @Test
    void dingTalkAppendsTimestampAndUrlEncodedSignToTheWebhookQuery() {
        Clock clock = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC);
        DingTalkProvider provider = new DingTalkProvider(new ObjectMapper(), clock);

        WebhookRequest request = textRequest(
                provider, "https://oapi.dingtalk.com/robot/send?access_token=abc", Optional.of("SECexample0123456789"));

        assertThat(request.uri().toString())
                .isEqualTo("https://oapi.dingtalk.com/robot/send?access_token=abc"
                        + "&timestamp=1700000000000&sign=figG6qqCA%2FlRh0hsGCW2zNtNV5znkAFut5BI0zKhqnQ%3D");
        assertThat(request.bodyText()).isEqualTo("{\"msgtype\":\"text\",\"text\":{\"content\":\"T\\nhello\"}}");
    }

    @Test
    void feishuSignIsBase64OfHmacWithTimestampNewlineSecretAsKeyOverNothing() {
        assertThat(FeishuProvider.sign("feishu-secret", 1_599_360_473L))
                .isEqualTo("GnmU6lMJMtXPkxW7kXxgtXI0SJxjk0TQFnFuz93Dt+0=");
    }

    @Test
    void feishuPutsTimestampInSecondsAndSignInTheBody() {
        Clock clock = Clock.fixed(Instant.ofEpochSecond(1_599_360_473L), ZoneOffset.UTC);
        FeishuProvider provider = new FeishuProvider(new ObjectMapper(), clock);

        WebhookRequest request =
                textRequest(provider, "https://open.feishu.cn/open-apis/bot/v2/hook/xyz", Optional.of("feishu-secret"));

        assertThat(request.uri().toString()).isEqualTo("https://open.feishu.cn/open-apis/bot/v2/hook/xyz");
        assertThat(request.bodyText())
                .isEqualTo("{\"timestamp\":\"1599360473\",\"sign\":\"GnmU6lMJMtXPkxW7kXxgtXI0SJxjk0TQFnFuz93Dt+0=\","
                        + "\"msg_type\":\"text\",\"content\":{\"text\":\"T\\nhello\"}}");
    }

    @Test
    void unsignedRequestsCarryNoSignature() {
        Clock clock = Clock.fixed(Instant.ofEpochSecond(1_599_360_473L), ZoneOffset.UTC);
        WebhookRequest dingtalk = textRequest(
                new DingTalkProvider(new ObjectMapper(), clock),
                "https://oapi.dingtalk.com/robot/send?access_token=abc",
                Optional.empty());
        WebhookRequest feishu = textRequest(
                new FeishuProvider(new ObjectMapper(), clock),
                "https://open.feishu.cn/open-apis/bot/v2/hook/xyz",
                Optional.empty());

        assertThat(dingtalk.uri().toString()).isEqualTo("https://oapi.dingtalk.com/robot/send?access_token=abc");
        assertThat(feishu.bodyText()).isEqualTo("{\"msg_type\":\"text\",\"content\":{\"text\":\"T\\nhello\"}}");
    }

    /** The provider's request for {@link #MESSAGE} as plain text to {@code url}, signed when there is a secret. */
    private static WebhookRequest textRequest(NotificationProvider provider, String url, Optional<String> secret) {
        return provider.request(new Webhook(url, secret, MessageFormat.TEXT), MESSAGE);
    }
}
