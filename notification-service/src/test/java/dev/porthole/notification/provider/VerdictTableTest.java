package dev.porthole.notification.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every documented answer of every service, and a few undocumented ones, mapped to a verdict. */
class VerdictTableTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Clock CLOCK = Clock.systemUTC();

    private static NotificationProvider provider(String name) {
        return switch (name) {
            case "dingtalk" -> new DingTalkProvider(MAPPER, CLOCK);
            case "feishu" -> new FeishuProvider(MAPPER, CLOCK);
            case "wecom" -> new WeComProvider(MAPPER, CLOCK);
            default -> new SlackProvider(MAPPER, CLOCK);
        };
    }

    @ParameterizedTest(name = "{0} HTTP {1} {2} -> {3}")
    @CsvSource(
            delimiter = '|',
            value = {
                "dingtalk|200|{\"errcode\":0,\"errmsg\":\"ok\"}|delivered|false",
                "dingtalk|200|{\"errcode\":130101,\"errmsg\":\"send too fast, exceed 20 times per minute\"}|retry|true",
                "dingtalk|200|{\"errcode\":410100,\"errmsg\":\"x\"}|retry|true",
                "dingtalk|200|{\"errcode\":-1,\"errmsg\":\"busy\"}|retry|false",
                "dingtalk|200|{\"errcode\":310000,\"errmsg\":\"sign not match\"}|rejected|false",
                "dingtalk|200|{\"errcode\":400013,\"errmsg\":\"group dissolved\"}|rejected|false",
                "dingtalk|200|<html>|rejected|false",
                "dingtalk|200|{\"errmsg\":\"ok\"}|rejected|false",
                "dingtalk|404|not found|rejected|false",
                "dingtalk|503|unavailable|retry|false",
                "feishu|200|{\"code\":0,\"data\":{},\"msg\":\"success\"}|delivered|false",
                "feishu|200|{\"StatusCode\":0,\"StatusMessage\":\"success\",\"code\":0,\"msg\":\"success\"}|delivered|false",
                "feishu|200|{\"code\":11232,\"msg\":\"frequency limited\"}|retry|true",
                "feishu|400|{\"code\":9499,\"msg\":\"too many request\",\"data\":{}}|retry|true",
                "feishu|400|{\"code\":9499,\"msg\":\"Bad Request\",\"data\":{}}|rejected|false",
                "feishu|200|{\"code\":19021,\"msg\":\"sign match fail or timestamp is not within one hour from current time\"}|rejected|false",
                "feishu|400|{\"code\":19024,\"msg\":\"Key Words Not Found\"}|rejected|false",
                "feishu|200|ok|rejected|false",
                "feishu|502|bad gateway|retry|false",
                "wecom|200|{\"errcode\":0,\"errmsg\":\"ok\"}|delivered|false",
                "wecom|200|{\"errcode\":45009,\"errmsg\":\"api freq out of limit\"}|retry|true",
                "wecom|200|{\"errcode\":-1,\"errmsg\":\"system busy\"}|retry|false",
                "wecom|200|{\"errcode\":93000,\"errmsg\":\"invalid webhook url\"}|rejected|false",
                "wecom|200|{\"errcode\":40058,\"errmsg\":\"markdown.content exceed max length 4096\"}|rejected|false",
                "slack|200|ok|delivered|false",
                "slack|200|ok\\n|delivered|false",
                "slack|200|{\"ok\":true}|rejected|false",
                "slack|429|rate_limited|retry|true",
                "slack|500|rollup_error|retry|false",
                "slack|400|invalid_payload|rejected|false",
                "slack|403|invalid_token|rejected|false",
                "slack|404|no_service|rejected|false",
                "slack|410|channel_is_archived|rejected|false"
            })
    void mapsTheAnswer(String name, int status, String body, String outcome, boolean rateLimited) {
        Verdict verdict =
                provider(name).verdict(new WebhookResponse(status, body.replace("\\n", "\n"), Optional.empty()));

        assertThat(verdict.outcome()).isEqualTo(outcome);
        if (verdict instanceof Verdict.Retry retry) {
            assertThat(retry.rateLimited()).isEqualTo(rateLimited);
        }
    }

    @ParameterizedTest
    @CsvSource({"dingtalk", "feishu", "wecom", "slack"})
    void honoursRetryAfterOnHttp429(String name) {
        Verdict verdict = provider(name).verdict(new WebhookResponse(429, "", Optional.of("7")));

        assertThat(verdict).isInstanceOfSatisfying(Verdict.Retry.class, r -> {
            assertThat(r.rateLimited()).isTrue();
            assertThat(r.retryAfter()).contains(Duration.ofSeconds(7));
        });
    }
}
