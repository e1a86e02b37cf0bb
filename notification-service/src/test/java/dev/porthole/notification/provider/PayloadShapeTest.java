package dev.porthole.notification.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porthole.notification.message.Message;
import dev.porthole.notification.message.MessageFormat;
import dev.porthole.protocol.event.Severity;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The documented payload limits that the local receiver tests do not reach. */
class PayloadShapeTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void slackKeepsTheHeaderWithin150CharactersAndAtMostTenFields() throws Exception {
        List<Message.Detail> details = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            details.add(new Message.Detail("d" + i, "v" + i));
        }
        Message message = new Message(Severity.CRITICAL, "T".repeat(200), "body", details);

        JsonNode body = mapper.readTree(new SlackProvider(mapper, Clock.systemUTC())
                .request(
                        new Webhook("https://hooks.slack.com/services/x", Optional.empty(), MessageFormat.RICH),
                        message)
                .body());

        assertThat(body.at("/blocks/0/text/text").asText()).hasSize(150).endsWith("…");
        assertThat(body.at("/blocks/2/fields")).hasSize(10);
    }

    @Test
    void dingTalkKeepsTheMessageUnderItsTwentyThousandBytes() throws Exception {
        Message message = new Message(Severity.INFO, "title", "长".repeat(10_000), List.of());

        byte[] body = new DingTalkProvider(mapper, Clock.systemUTC())
                .request(
                        new Webhook(
                                "https://oapi.dingtalk.com/robot/send?access_token=a",
                                Optional.empty(),
                                MessageFormat.RICH),
                        message)
                .body();

        assertThat(body.length).isLessThan(20_000);
        assertThat(mapper.readTree(body).at("/markdown/text").asText()).endsWith("…");
    }

    @Test
    void webhookAndRequestNeverPrintTheirUrlOrSecret() {
        Webhook webhook = new Webhook(
                "https://oapi.dingtalk.com/robot/send?access_token=TOPSECRET",
                Optional.of("SECRETSIGN"),
                MessageFormat.TEXT);
        WebhookRequest request = new DingTalkProvider(mapper, Clock.systemUTC())
                .request(webhook, new Message(Severity.INFO, "t", "x", List.of()));

        assertThat(webhook.toString())
                .doesNotContain("TOPSECRET")
                .doesNotContain("SECRETSIGN")
                .contains("https://oapi.dingtalk.com/***");
        assertThat(request.toString()).doesNotContain("TOPSECRET").doesNotContain("sign=");
        assertThat(WebhookUrls.fingerprint(webhook.url()))
                .matches("sha256:[0-9a-f]{12}")
                .isNotEqualTo(WebhookUrls.fingerprint(webhook.url() + "x"));
        assertThat(WebhookUrls.mask("not a url")).isEqualTo("***");
    }
}
