package dev.porthole.notification.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.notification.message.MessageFormat;
import dev.porthole.notification.testing.Events;
import dev.porthole.notification.testing.Hmac;
import dev.porthole.notification.testing.NotificationFixture;
import dev.porthole.protocol.event.EventType;
import dev.porthole.testing.RedisTestResource;
import dev.porthole.testing.WebhookReceiver;
import dev.porthole.testing.WebhookReceiver.Received;
import dev.porthole.testing.WebhookReceiver.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Feishu / Lark custom bot against a local receiver: exact body, signature in the body, documented answers. */
@QuarkusTest
@QuarkusTestResource(RedisTestResource.class)
class FeishuWebhookTest {

    private static final String OK = "{\"code\":0,\"data\":{},\"msg\":\"success\"}";
    private static final Pattern SIGNED = Pattern.compile("\\{\"timestamp\":\"(\\d+)\",\"sign\":\"([^\"]+)\",(.*)");

    private final WebhookReceiver receiver = WebhookReceiver.shared();

    @Inject
    NotificationFixture fixture;

    @Test
    void signsTheBodyWithTimestampInSecondsAndSign() throws Exception {
        String path = "/feishu/open-apis/bot/v2/hook/signed";
        String secret = "feishu-secret-abc";
        receiver.reply(path, Reply.json(200, OK));
        fixture.channels()
                .create(
                        "fs-signed",
                        ProviderKind.FEISHU,
                        receiver.url(path),
                        Optional.of(secret),
                        MessageFormat.TEXT,
                        "{type}: {clientId}",
                        EventType.CLIENT_CREATED);

        String entry = fixture.events().append(Events.clientCreated("c-fs"));

        Received request = receiver.awaitOnlyRequest(path);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.rawQuery()).isNull();
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        Matcher signed = SIGNED.matcher(request.bodyText());
        assertThat(signed.matches()).as(request.bodyText()).isTrue();
        long timestamp = Long.parseLong(signed.group(1));
        assertThat(timestamp)
                .isBetween(
                        Instant.now().minusSeconds(60).getEpochSecond(),
                        Instant.now().getEpochSecond());
        String expectedSign = Hmac.base64(timestamp + "\n" + secret, "");
        assertThat(request.bodyText())
                .isEqualTo(
                        "{\"timestamp\":\"" + timestamp + "\",\"sign\":\"" + expectedSign + "\","
                                + "\"msg_type\":\"text\",\"content\":{\"text\":\"Porthole · client.created\\nclient.created: c-fs\"}}");
        await().atMost(Duration.ofSeconds(5)).until(() -> !fixture.state().pending(entry));
    }

    @Test
    void sendsAnInteractiveCardColouredBySeverity() {
        String path = "/feishu/open-apis/bot/v2/hook/card";
        receiver.reply(path, Reply.json(200, OK));
        fixture.channels()
                .create(
                        "fs-card",
                        ProviderKind.FEISHU,
                        receiver.url(path),
                        Optional.empty(),
                        MessageFormat.RICH,
                        "{count} failures from {remoteAddress}",
                        EventType.AUTH_FAILED);

        fixture.events().append(Events.authFailed("c-card"));

        assertThat(receiver.awaitOnlyRequest(path).bodyText())
                .isEqualTo(
                        "{\"msg_type\":\"interactive\",\"card\":{"
                                + "\"header\":{\"title\":{\"tag\":\"plain_text\",\"content\":\"Porthole · auth.failed\"},\"template\":\"orange\"},"
                                + "\"elements\":[{\"tag\":\"div\",\"text\":{\"tag\":\"lark_md\",\"content\":\"5 failures from 203.0.113.7\"}}]}}");
    }

    @ParameterizedTest(name = "HTTP {0} code {1} is final")
    @CsvSource(
            delimiter = '|',
            value = {
                "200|19021|sign match fail or timestamp is not within one hour from current time",
                "400|19024|Key Words Not Found",
                "400|19022|Ip Not Allowed",
                "400|9499|Bad Request",
                "200|19001|param invalid: incoming webhook access token invalid"
            })
    void deadLettersWhenFeishuRefusesForGood(int status, int code, String msg) {
        String path = "/feishu/open-apis/bot/v2/hook/refused-" + code + "-" + status;
        receiver.reply(path, Reply.json(status, "{\"code\":" + code + ",\"data\":{},\"msg\":\"" + msg + "\"}"));
        String entry = fixture.sendClientCreated("fs-refused", ProviderKind.FEISHU, receiver.url(path), "c-fs-refused");

        fixture.awaitRejectedAtFirstAttempt(receiver, path, entry, "feishu refused it: code " + code + ": " + msg);
    }

    @ParameterizedTest(name = "HTTP {0} {1} then success is delivered once")
    @CsvSource(
            delimiter = '|',
            value = {
                "200|{\"code\":11232,\"data\":{},\"msg\":\"frequency limited psm[lark.oapi.app_platform_runtime]appID[1]\"}",
                "400|{\"code\":9499,\"msg\":\"too many request\",\"data\":{}}",
                "503|upstream unavailable",
                "429|{}"
            })
    void retriesPassingFailuresUntilFeishuAccepts(int status, String body) {
        String path = "/feishu/open-apis/bot/v2/hook/retry-" + status + "-" + Math.abs(body.hashCode());
        receiver.reply(path, Reply.json(status, body), Reply.json(200, OK));
        String entry = fixture.sendClientCreated("fs-retry", ProviderKind.FEISHU, receiver.url(path), "c-fs-retry");

        fixture.awaitDeliveredOnSecondAttempt(receiver, path, entry);
    }
}
