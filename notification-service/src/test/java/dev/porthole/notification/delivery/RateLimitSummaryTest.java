package dev.porthole.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.notification.provider.ProviderKind;
import dev.porthole.notification.testing.Events;
import dev.porthole.notification.testing.NotificationFixture;
import dev.porthole.protocol.event.EventType;
import dev.porthole.protocol.event.PortholeEvent;
import dev.porthole.testing.RedisTestResource;
import dev.porthole.testing.WebhookReceiver;
import dev.porthole.testing.WebhookReceiver.Received;
import dev.porthole.testing.WebhookReceiver.Reply;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A burst beyond a channel's rate limit is merged into one summary message, never dropped. */
@QuarkusTest
@QuarkusTestResource(RedisTestResource.class)
class RateLimitSummaryTest {

    private static final String OK = "{\"errcode\":0,\"errmsg\":\"ok\"}";

    @Inject
    MeterRegistry registry;

    private final WebhookReceiver receiver = WebhookReceiver.shared();

    @Inject
    NotificationFixture fixture;

    @Test
    void mergesEventsBeyondDingTalksTwentyAMinuteIntoOneSummary() {
        String path = "/ratelimit/dingtalk/robot/send";
        receiver.reply(path, Reply.json(200, OK));
        fixture.channels()
                .createText(
                        "rl-dingtalk",
                        ProviderKind.DINGTALK,
                        receiver.url(path + "?access_token=t"),
                        "{type} {clientId}",
                        EventType.CLIENT_CREATED,
                        EventType.AGENT_CONNECTED,
                        EventType.AUTH_FAILED);
        double summariesBefore = count("porthole.notify.summaries");
        List<PortholeEvent> burst = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            burst.add(Events.clientCreated("c-" + i));
        }
        for (int i = 0; i < 30; i++) {
            burst.add(
                    new PortholeEvent.AgentConnected("gw-1", "s-" + i, "agent-" + i, "a-" + i, "198.51.100.1", "1.0"));
        }
        for (int i = 0; i < 7; i++) {
            burst.add(Events.authFailed("x-" + i));
        }

        fixture.events().appendAll(burst);

        await().atMost(Duration.ofSeconds(15))
                .until(() -> receiver.requests(path).size() == 21);
        List<Received> requests = receiver.requests(path);
        for (int i = 0; i < 20; i++) {
            assertThat(requests.get(i).bodyText())
                    .isEqualTo(
                            "{\"msgtype\":\"text\",\"text\":{\"content\":\"Porthole · client.created\\nclient.created c-"
                                    + i + "\"}}");
        }
        assertThat(requests.get(20).bodyText())
                .isEqualTo("{\"msgtype\":\"text\",\"text\":{\"content\":"
                        + "\"Porthole · 37 more events\\n37 more events: 30 agent.connected, 7 auth.failed\"}}");
        // The 21st message waited for DingTalk's next permit: 20 a minute refill one every 3 s.
        assertThat(Duration.between(requests.get(19).at(), requests.get(20).at()))
                .isGreaterThan(Duration.ofMillis(2000));
        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.state().pendingCount() == 0);
        assertThat(count("porthole.notify.summaries") - summariesBefore).isEqualTo(1.0);
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(2))
                .until(() -> receiver.requests(path).size() == 21);
    }

    @Test
    void sendsTheOnlyHeldBackEventAsItselfNotAsASummary() {
        String path = "/ratelimit/slack/one";
        receiver.reply(path, Reply.text(200, "ok"));
        fixture.channels()
                .createText("rl-slack", ProviderKind.SLACK, receiver.url(path), "{clientId}", EventType.CLIENT_CREATED);

        fixture.events().appendAll(List.of(Events.clientCreated("first"), Events.clientCreated("second")));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.requests(path).size() == 2);
        List<Received> requests = receiver.requests(path);
        assertThat(requests.get(0).bodyText()).isEqualTo("{\"text\":\"Porthole · client.created\\nfirst\"}");
        assertThat(requests.get(1).bodyText()).isEqualTo("{\"text\":\"Porthole · client.created\\nsecond\"}");
        // Slack allows about one a second.
        assertThat(Duration.between(requests.get(0).at(), requests.get(1).at())).isGreaterThan(Duration.ofMillis(800));
    }

    private double count(String name) {
        return registry.find(name).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }
}
