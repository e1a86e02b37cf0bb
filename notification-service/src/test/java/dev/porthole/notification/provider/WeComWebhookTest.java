package dev.porthole.notification.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porthole.notification.message.MessageFormat;
import dev.porthole.notification.testing.NotificationFixture;
import dev.porthole.protocol.event.EventType;
import dev.porthole.protocol.event.PortholeEvent;
import dev.porthole.testing.RedisTestResource;
import dev.porthole.testing.WebhookReceiver;
import dev.porthole.testing.WebhookReceiver.Received;
import dev.porthole.testing.WebhookReceiver.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** WeCom group robot against a local receiver: exact body, byte limits, documented answers. */
@QuarkusTest
@QuarkusTestResource(RedisTestResource.class)
class WeComWebhookTest {

    private static final String OK = "{\"errcode\":0,\"errmsg\":\"ok\"}";

    private final WebhookReceiver receiver = WebhookReceiver.shared();
    private final ObjectMapper mapper = new ObjectMapper();

    @Inject
    NotificationFixture fixture;

    @Test
    void postsTextToTheKeyedWebhookUrl() {
        String path = "/wecom/cgi-bin/webhook/send";
        receiver.reply(path, Reply.json(200, OK));
        fixture.channels()
                .createText(
                        "wc-text",
                        ProviderKind.WECOM,
                        receiver.url(path + "?key=693a91f6-7xxx"),
                        "{type} {clientId}",
                        EventType.CLIENT_DISABLED);

        String entry = fixture.events().append(new PortholeEvent.ClientDisabled("c-wc", "admin"));

        Received request = receiver.awaitOnlyRequest(path);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.rawQuery()).isEqualTo("key=693a91f6-7xxx");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.bodyText())
                .isEqualTo(
                        "{\"msgtype\":\"text\",\"text\":{\"content\":\"Porthole · client.disabled\\nclient.disabled c-wc\"}}");
        await().atMost(Duration.ofSeconds(5)).until(() -> !fixture.state().pending(entry));
    }

    @Test
    void cutsLongMarkdownToFourKilobytesOnACharacterBoundary() throws Exception {
        String path = "/wecom/cgi-bin/webhook/send-long";
        receiver.reply(path, Reply.json(200, OK));
        fixture.channels()
                .create(
                        "wc-long",
                        ProviderKind.WECOM,
                        receiver.url(path + "?key=k"),
                        Optional.empty(),
                        MessageFormat.RICH,
                        "{detail}",
                        EventType.CONFIG_REJECTED);
        String detail = "配置错误😀".repeat(600);

        fixture.events().append(new PortholeEvent.ConfigRejected("gateway", "/etc/porthole.yml", detail));

        JsonNode body = mapper.readTree(receiver.awaitOnlyRequest(path).body());
        String content = body.path("markdown").path("content").asText();
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        assertThat(bytes.length).isLessThanOrEqualTo(4096).isGreaterThan(4080);
        assertThat(content).startsWith("**Porthole · config.rejected**\n配置错误😀").endsWith("…");
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(content);
    }

    @Test
    void cutsLongTextToTwoKilobytes() throws Exception {
        String path = "/wecom/cgi-bin/webhook/send-long-text";
        receiver.reply(path, Reply.json(200, OK));
        fixture.channels()
                .createText(
                        "wc-long-text",
                        ProviderKind.WECOM,
                        receiver.url(path + "?key=k"),
                        "{detail}",
                        EventType.CONFIG_REJECTED);

        fixture.events().append(new PortholeEvent.ConfigRejected("gateway", "/etc/porthole.yml", "é".repeat(3000)));

        String content = mapper.readTree(receiver.awaitOnlyRequest(path).body())
                .path("text")
                .path("content")
                .asText();
        assertThat(content.getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(2048)
                .isGreaterThan(2040);
        assertThat(content).endsWith("é…");
    }

    @ParameterizedTest(name = "errcode {0} is final")
    @CsvSource(
            delimiter = '|',
            value = {
                "93000|invalid webhook url",
                "40058|markdown.content exceed max length 4096",
                "40008|invalid message type",
                "44004|empty content"
            })
    void deadLettersWhenWeComRefusesForGood(int errcode, String errmsg) {
        String path = "/wecom/cgi-bin/webhook/refused-" + errcode;
        receiver.reply(path, Reply.json(200, "{\"errcode\":" + errcode + ",\"errmsg\":\"" + errmsg + "\"}"));
        String entry = fixture.sendClientCreated(
                "wc-refused", ProviderKind.WECOM, receiver.url(path + "?key=k"), "c-wc-refused");

        fixture.awaitRejectedAtFirstAttempt(
                receiver, path, entry, "wecom refused it: errcode " + errcode + ": " + errmsg);
    }

    @ParameterizedTest(name = "HTTP {0} {1} then success is delivered once")
    @CsvSource(
            delimiter = '|',
            value = {
                "200|{\"errcode\":45009,\"errmsg\":\"api freq out of limit\"}",
                "200|{\"errcode\":-1,\"errmsg\":\"system busy\"}",
                "500|oops"
            })
    void retriesPassingFailuresUntilWeComAccepts(int status, String body) {
        String path = "/wecom/cgi-bin/webhook/retry-" + status + "-" + Math.abs(body.hashCode());
        receiver.reply(path, Reply.json(status, body), Reply.json(200, OK));
        String entry =
                fixture.sendClientCreated("wc-retry", ProviderKind.WECOM, receiver.url(path + "?key=k"), "c-wc-retry");

        fixture.awaitDeliveredOnSecondAttempt(receiver, path, entry);
    }
}
