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
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A tunnel or agent that goes down and up within the window (1 s in tests) sends one message, not ten. */
@QuarkusTest
@QuarkusTestResource(RedisTestResource.class)
class FlappingSuppressionTest {

    private final WebhookReceiver receiver = WebhookReceiver.shared();

    @Inject
    NotificationFixture fixture;

    private String channel(String id) {
        String path = "/flapping/" + id;
        receiver.reply(path, Reply.text(200, "ok"));
        fixture.channels()
                .createText(
                        id,
                        ProviderKind.SLACK,
                        receiver.url(path),
                        null,
                        EventType.TUNNEL_CLOSED,
                        EventType.TUNNEL_OPENED,
                        EventType.AGENT_CONNECTED,
                        EventType.AGENT_DISCONNECTED);
        return path;
    }

    @Test
    void reportsATunnelThatClosedAndReopenedFiveTimesInOneMessage() {
        String path = channel("flap-tunnel");
        List<PortholeEvent> flaps = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            flaps.add(Events.tunnelClosed("c-flap", "api"));
            flaps.add(Events.tunnelOpened("c-flap", "api"));
        }

        fixture.events().appendAll(flaps);

        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        receiver.requests(path).size() == 1 && fixture.state().pendingCount() == 0);
        String text = receiver.requests(path).getFirst().bodyText();
        assertThat(text)
                .startsWith(
                        "{\"text\":\"Porthole · flapping\\nTunnel http api flapped: went down 5 and came back 5 time(s)"
                                + " within 1s; it is up now.\\nfirst: ");
        await().during(Duration.ofMillis(1500))
                .atMost(Duration.ofSeconds(3))
                .until(() -> receiver.requests(path).size() == 1);
    }

    @Test
    void sendsALoneClosedTunnelAsItselfOnceTheWindowHasPassed() {
        String path = channel("flap-lone");

        fixture.events().append(Events.tunnelClosed("c-lone", "lonely"));

        assertThat(receiver.awaitOnlyRequest(path).bodyText())
                .startsWith(
                        "{\"text\":\"Porthole · tunnel.closed\\nTunnel http lonely closed (client c-lone): agent went away.");
    }

    @Test
    void reportsATunnelThatStayedDownAsDown() {
        String path = channel("flap-down");

        fixture.events()
                .appendAll(List.of(
                        Events.tunnelClosed("c-d", "db"),
                        Events.tunnelOpened("c-d", "db"),
                        Events.tunnelClosed("c-d", "db")));

        assertThat(receiver.awaitOnlyRequest(path).bodyText())
                .contains("Tunnel http db flapped: went down 2 and came back 1 time(s) within 1s; it is down now.");
    }

    @Test
    void reportsAnAgentThatReconnectsRepeatedlyInOneMessageAndKeepsOtherTunnelsApart() {
        String path = channel("flap-agent");
        List<PortholeEvent> changes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            changes.add(new PortholeEvent.AgentDisconnected(
                    "gw-1", "s-" + i, "c-agent", "198.51.100.9", 1006, "network", 1000, 10, 20));
            changes.add(
                    new PortholeEvent.AgentConnected("gw-1", "s-" + (i + 1), "c-agent", "a-1", "198.51.100.9", "1.0"));
        }
        changes.add(Events.tunnelClosed("c-other", "other"));

        fixture.events().appendAll(changes);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.requests(path).size() == 2);
        List<String> bodies =
                receiver.requests(path).stream().map(Received::bodyText).toList();
        assertThat(bodies)
                .anySatisfy(
                        b -> assertThat(b)
                                .contains(
                                        "Agent of client c-agent flapped: went down 3 and came back 3 time(s) within 1s; it is up now."));
        assertThat(bodies).anySatisfy(b -> assertThat(b).contains("Tunnel http other closed (client c-other)"));
    }

    @Test
    void passesAnOpenedTunnelWithNothingHeldStraightThrough() {
        String path = channel("flap-open");

        fixture.events().append(Events.tunnelOpened("c-open", "fresh"));

        assertThat(receiver.awaitOnlyRequest(path).bodyText())
                .startsWith(
                        "{\"text\":\"Porthole · tunnel.opened\\nTunnel http fresh opened at http://fresh.example.test (client c-open).");
    }
}
