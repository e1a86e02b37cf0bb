package dev.porthole.notification.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.notification.deadletter.DeadLetter;
import dev.porthole.notification.message.MessageFormat;
import dev.porthole.notification.testing.Events;
import dev.porthole.notification.testing.Hmac;
import dev.porthole.notification.testing.NotificationFixture;
import dev.porthole.protocol.event.EventEnvelope;
import dev.porthole.protocol.event.EventType;
import dev.porthole.testing.RedisTestResource;
import dev.porthole.testing.WebhookReceiver;
import dev.porthole.testing.WebhookReceiver.Received;
import dev.porthole.testing.WebhookReceiver.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DingTalk custom robot against a local receiver: exact bytes, signature, and every documented answer. */
@QuarkusTest
@QuarkusTestResource(RedisTestResource.class)
class DingTalkWebhookTest {

    private static final String OK = "{\"errcode\":0,\"errmsg\":\"ok\"}";

    private final WebhookReceiver receiver = WebhookReceiver.shared();

    @Inject
    NotificationFixture fixture;

    @Test
    void signsTextMessageWithTimestampAndSignQueryParameters() {
        String path = "/dingtalk/signed/robot/send";
        String secret = "SEC0123456789abcdef+/=";
        receiver.reply(path, Reply.json(200, OK));
        fixture.channels()
                .create(
                        "dt-signed",
                        ProviderKind.DINGTALK,
                        receiver.url(path + "?access_token=tok123"),
                        Optional.of(secret),
                        MessageFormat.TEXT,
                        "{type} for {clientId}",
                        EventType.CLIENT_CREATED);

        String entry = fixture.events().append(Events.clientCreated("c-signed"));

        Received request = receiver.awaitOnlyRequest(path);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        String timestamp = request.rawQueryParam("timestamp");
        assertThat(Long.parseLong(timestamp))
                .isBetween(
                        Instant.now().minusSeconds(60).toEpochMilli(),
                        Instant.now().toEpochMilli());
        String expectedSign = URLEncoder.encode(Hmac.base64(secret, timestamp + "\n" + secret), StandardCharsets.UTF_8);
        assertThat(request.rawQuery())
                .isEqualTo("access_token=tok123&timestamp=" + timestamp + "&sign=" + expectedSign);
        assertThat(request.bodyText())
                .isEqualTo(
                        "{\"msgtype\":\"text\",\"text\":{\"content\":\"Porthole · client.created\\nclient.created for c-signed\"}}");
        await().atMost(Duration.ofSeconds(5)).until(() -> !fixture.state().pending(entry));
        assertThat(fixture.state().deadLettersOf(entry)).isEmpty();
    }

    @Test
    void sendsMarkdownUnsignedWhenTheRobotHasNoSecret() {
        String path = "/dingtalk/markdown/robot/send";
        receiver.reply(path, Reply.json(200, OK));
        fixture.channels()
                .create(
                        "dt-markdown",
                        ProviderKind.DINGTALK,
                        receiver.url(path + "?access_token=tok456"),
                        Optional.empty(),
                        MessageFormat.RICH,
                        null,
                        EventType.CLIENT_CREATED);
        EventEnvelope envelope = new EventEnvelope(
                "e-md", Instant.parse("2026-01-02T03:04:05Z"), "auth/test", Events.clientCreated("c-md"));

        fixture.events().append(envelope);

        Received request = receiver.awaitOnlyRequest(path);
        assertThat(request.rawQuery()).isEqualTo("access_token=tok456");
        assertThat(request.bodyText())
                .isEqualTo(
                        "{\"msgtype\":\"markdown\",\"markdown\":{\"title\":\"Porthole · client.created\","
                                + "\"text\":\"#### Porthole · client.created\\n\\nClient c-md created by admin.\\n\\n"
                                + "- **clientId**: c-md\\n- **actor**: admin\\n- **at**: 2026-01-02T03:04:05Z\\n- **source**: auth/test\"}}");
    }

    @ParameterizedTest(name = "errcode {0} ({1}) is final")
    @CsvSource({
        "310000, sign not match",
        "310000, keywords not in content",
        "400101, access_token不存在",
        "400102, 机器人已停用",
        "430104, 含有不合适的内容"
    })
    void deadLettersAtOnceWhenDingTalkRefusesForGoodEvenOnHttp200(int errcode, String errmsg) {
        String path = "/dingtalk/refused-" + errcode + "-" + Math.abs(errmsg.hashCode()) + "/robot/send";
        receiver.reply(path, Reply.json(200, "{\"errcode\":" + errcode + ",\"errmsg\":\"" + errmsg + "\"}"));
        String entry = fixture.sendClientCreated(
                "dt-refused", ProviderKind.DINGTALK, receiver.url(path + "?access_token=t"), "c-refused");

        DeadLetter letter = fixture.awaitRejectedAtFirstAttempt(
                receiver, path, entry, "dingtalk refused it: errcode " + errcode + ": " + errmsg);
        assertThat(letter.channelId()).contains("dt-refused");
        assertThat(letter.attempts()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> !fixture.state().pending(entry));
    }

    @ParameterizedTest(name = "{0} then success is delivered once")
    @CsvSource(
            delimiter = '|',
            value = {
                "200|{\"errcode\":130101,\"errmsg\":\"send too fast, exceed 20 times per minute\"}",
                "200|{\"errcode\":410100,\"errmsg\":\"发送速度太快而限流\"}",
                "200|{\"errcode\":-1,\"errmsg\":\"系统繁忙\"}",
                "502|<html>bad gateway</html>",
                "429|{}"
            })
    void retriesPassingFailuresUntilDingTalkAccepts(int status, String body) {
        String path = "/dingtalk/retry-" + status + "-" + Math.abs(body.hashCode()) + "/robot/send";
        receiver.reply(path, Reply.json(status, body), Reply.json(200, OK));
        String entry = fixture.sendClientCreated(
                "dt-retry", ProviderKind.DINGTALK, receiver.url(path + "?access_token=t"), "c-retry");

        fixture.awaitDeliveredOnSecondAttempt(receiver, path, entry);
        List<Received> requests = receiver.requests(path);
        assertThat(requests.get(1).bodyText()).isEqualTo(requests.get(0).bodyText());
    }
}
