package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.e2e.support.AdminApi;
import dev.porthole.e2e.support.NotificationService;
import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.e2e.support.PortholeSystem.Agent;
import dev.porthole.testing.FreePorts;
import dev.porthole.testing.ServiceProcess;
import dev.porthole.testing.WebhookReceiver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Events that the gateway and auth-service write reach an operator's chat: every part a real
 * process, notification-service posting to a local receiver that stands in for a Slack incoming
 * webhook.
 */
class NotificationJourneyIT {

    private static final Duration DELIVERY = Duration.ofSeconds(30);

    @Test
    void tunnelsAuthFailuresLimitsAndDrainingReachTheChat() {
        try (WebhookReceiver slack = WebhookReceiver.answering(WebhookReceiver.Reply.text(200, "ok"));
                PortholeSystem system = new PortholeSystem("notification-journey")) {
            ServiceProcess notifications = NotificationService.start(
                    system.logDir(),
                    FreePorts.loopback(),
                    slack.url("/services/T000/B000/e2e"),
                    Map.of(
                            "QUARKUS_REDIS_HOSTS",
                            system.redis().url(),
                            "PORTHOLE_NOTIFY_DEFAULT_CHANNEL_EVENT_TYPES",
                            "tunnel.opened,tunnel.closed,auth.failed,limit.hit,gateway.draining",
                            "PORTHOLE_NOTIFY_RATE_LIMITS_SLACK",
                            "100/1s",
                            "PORTHOLE_NOTIFY_CONSUMER_BLOCK",
                            "200ms",
                            "PORTHOLE_NOTIFY_FLAPPING_WINDOW",
                            "2s"));
            try (notifications) {
                AdminApi admin = system.startAuthService(Map.of()).admin();
                system.startGateway().startUpstream();
                String secret = admin.createClient("notify", "{\"subdomains\":[\"notify-*\"],\"maxTunnels\":1}");

                Agent agent = system.startAgent(
                        "notify-agent", List.of("--credentials", "notify:" + secret, "--subdomain", "notify-a"));
                await("tunnel.opened reaches the chat")
                        .atMost(DELIVERY)
                        .until(() ->
                                slack.received("Tunnel http notify-a opened at " + agent.url() + " (client notify)"));

                ServiceProcess wrong = system.launchAgent(
                        "notify-wrong",
                        List.of("http", "1", "--server", system.gatewayUrl(""), "--credentials", "notify:wrong-secret"),
                        Map.of());
                assertThat(wrong.awaitExit(DELIVERY)).isEqualTo(3);
                await("auth.failed reaches the chat")
                        .atMost(DELIVERY)
                        .until(() -> slack.received("failed authentication(s)") && slack.received("for client notify"));

                ServiceProcess second = system.launchHttpAgent(
                        "notify-second",
                        system.gatewayPort(),
                        List.of("--credentials", "notify:" + secret, "--subdomain", "notify-b"));
                assertThat(second.awaitExit(DELIVERY)).isEqualTo(4);
                await("limit.hit reaches the chat")
                        .atMost(DELIVERY)
                        .until(() -> slack.received("tunnels limit hit for client notify on tunnel notify-b"));

                agent.process().stop();
                // held back for the flapping window (2 s here), in case the tunnel comes straight back
                await("tunnel.closed reaches the chat")
                        .atMost(DELIVERY)
                        .until(() -> slack.received("Tunnel http notify-a closed (client notify)"));

                system.gateway().stop();
                await("gateway.draining reaches the chat").atMost(DELIVERY).until(() -> slack.received("is draining"));
                assertThat(slack.bodies())
                        .allSatisfy(body -> assertThat(body).startsWith("{").contains("\"text\""));
            }
        }
    }
}
