package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.e2e.support.AdminApi;
import dev.porthole.e2e.support.AgentHandshake;
import dev.porthole.e2e.support.Http;
import dev.porthole.e2e.support.NotificationService;
import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.e2e.support.PortholeSystem.Agent;
import dev.porthole.testing.FreePorts;
import dev.porthole.testing.PrometheusText;
import dev.porthole.testing.RedisSentinelProcesses;
import dev.porthole.testing.ServiceProcess;
import dev.porthole.testing.WebhookReceiver;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Porthole on Redis behind Sentinel, every part a real process: a primary, two replicas and three
 * Sentinels on loopback; auth-service, a gateway and notification-service configured with the
 * Sentinels and the master name. wrk runs through a tunnel while the primary is SIGKILLed: no
 * request fails, a handshake meanwhile gets the retryable 503, an agent started at the kill
 * connects once a replica is promoted, two agents racing for one name afterwards get one winner,
 * and events keep reaching the chat.
 */
class RedisSentinelIT {

    private static final Duration LOAD = Duration.ofSeconds(8);
    private static final Duration PROMOTION = Duration.ofSeconds(30);
    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ");

    @Test
    void aPrimaryKilledUnderLoadCostsNoRequestAndNamesStayUnique() {
        try (RedisSentinelProcesses redis = RedisSentinelProcesses.start();
                WebhookReceiver slack = WebhookReceiver.answering(WebhookReceiver.Reply.text(200, "ok"));
                PortholeSystem system = new PortholeSystem("RedisSentinelIT")) {
            Map<String, String> sentinels = redis.quarkusSettings();
            sentinels.forEach(system::gatewaySetting);
            system.gatewaySetting("PORTHOLE_GATEWAY_REGISTRY_TTL", "3s")
                    .gatewaySetting("PORTHOLE_GATEWAY_REGISTRY_REFRESH_INTERVAL", "500ms");
            AdminApi admin = system.startAuthService(sentinels).admin();
            try (ServiceProcess notifications = startNotifications(system, sentinels, slack)) {
                system.startGateway().startUpstream();
                survivesTheFailover(system, redis, admin, slack);
                assertThat(notifications.isAlive()).isTrue();
            }
        }
    }

    private static void survivesTheFailover(
            PortholeSystem system, RedisSentinelProcesses redis, AdminApi admin, WebhookReceiver slack) {
        String steadySecret = admin.createClient("steady", "{\"subdomains\":[\"steady\"]}");
        String lateSecret = admin.createClient("late", "{\"subdomains\":[\"late\"]}");
        String racerSecret = admin.createClient("racer", "{\"subdomains\":[\"contested\"]}");

        Agent steady = system.startAgent(
                "steady",
                List.of("-Xmx128m"),
                List.of("--credentials", "steady:" + steadySecret, "--subdomain", "steady", "--no-inspect"));
        await("tunnel.opened before the failover reaches the chat")
                .atMost(DELIVERY)
                .until(() -> slack.received("Tunnel http steady opened at " + steady.url()));

        // Warm the path up first: an agent's first requests to its upstream take a second or more on a busy machine.
        for (int i = 0; i < 20; i++) {
            assertThat(Http.getByHost(system, "steady", "/hello").statusCode()).isEqualTo(200);
        }
        // wrk counts a request not answered within --timeout as failed ("Socket errors: ... timeout").
        ServiceProcess wrk = system.startProgram(
                "wrk",
                List.of(
                        "wrk",
                        "-t1",
                        "-c4",
                        "-d" + LOAD.toSeconds() + "s",
                        "--timeout",
                        "10s",
                        "-H",
                        "Host: " + system.host("steady"),
                        system.gatewayUrl("/hello")));
        await("wrk under way")
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> PrometheusText.sum(
                                Http.get(system.managementUrl("/q/metrics")).body(),
                                "porthole_gateway_http_requests_seconds_count")
                        > 50);
        int oldPrimary = redis.killPrimary();
        long killed = System.nanoTime();
        AgentHandshake.Answer during = new AgentHandshake(system.gatewayPort()).basic("late", lateSecret, "127.0.0.1");
        assertThat(during.status())
                .as("a handshake while no primary answers: " + during.body())
                .isEqualTo(503);
        assertThat(during.retryAfter()).as("Retry-After").isPositive();
        assertThat(during.body()).contains("unavailable");
        ServiceProcess late = system.launchHttpAgent(
                "late",
                system.gatewayPort(),
                List.of("--credentials", "late:" + lateSecret, "--subdomain", "late", "--no-inspect"));
        int newPrimary = redis.awaitPromotion(oldPrimary, PROMOTION);
        long promotedMillis = (System.nanoTime() - killed) / 1_000_000;
        assertThat(late.awaitFirstLine(Duration.ofSeconds(30)))
                .as("the agent that arrived during the failover")
                .isEqualTo("http://late." + PortholeSystem.DOMAIN + ":" + system.gatewayPort());
        long lateMillis = (System.nanoTime() - killed) / 1_000_000;

        assertThat(wrk.awaitExit(LOAD.plusSeconds(30))).isZero();
        String report = String.join("\n", wrk.stdout());
        System.out.printf(
                "RedisSentinelIT: primary on port %d killed, port %d promoted after %d ms, the late agent connected after %d ms;"
                        + " wrk:%n%s%n",
                oldPrimary, newPrimary, promotedMillis, lateMillis, report);
        Matcher requests = REQUESTS.matcher(report);
        assertThat(requests.find()).as("wrk's summary: " + report).isTrue();
        assertThat(Long.parseLong(requests.group(1)))
                .as("requests through the live tunnel")
                .isGreaterThan(100);
        assertThat(report)
                .as("no failed request for the live tunnel")
                .doesNotContain("Non-2xx")
                .doesNotContain("Socket errors");
        assertThat(steady.process().stderr())
                .as("the live agent kept its connection")
                .noneMatch(line -> line.contains("retrying in"));
        await("the live tunnel's route on the new primary")
                .atMost(Duration.ofSeconds(10))
                .until(() -> redis.cli(newPrimary, "EXISTS", "porthole:route:http:{steady}")
                        .equals("1"));

        List<String> args =
                List.of("--credentials", "racer:" + racerSecret, "--subdomain", "contested", "--no-inspect");
        ServiceProcess first = system.launchHttpAgent("racer-1", system.gatewayPort(), args);
        ServiceProcess second = system.launchHttpAgent("racer-2", system.gatewayPort(), args);
        await("one racer gives up").atMost(Duration.ofSeconds(60)).until(() -> !first.isAlive() || !second.isAlive());
        ServiceProcess loser = first.isAlive() ? second : first;
        ServiceProcess winner = loser == first ? second : first;
        assertThat(loser.awaitExit(Duration.ofSeconds(10))).isEqualTo(4);
        assertThat(loser.stderr()).anyMatch(line -> line.contains("'contested' is held by another agent of yours"));
        assertThat(winner.awaitFirstLine(Duration.ofSeconds(30))).contains("contested");

        await("tunnel.opened after the failover reaches the chat")
                .atMost(DELIVERY)
                .until(() -> slack.received("Tunnel http late opened at ")
                        && slack.received("Tunnel http contested opened at "));
    }

    private static ServiceProcess startNotifications(
            PortholeSystem system, Map<String, String> sentinels, WebhookReceiver slack) {
        Map<String, String> settings = new HashMap<>(sentinels);
        settings.putAll(Map.of(
                "PORTHOLE_NOTIFY_DEFAULT_CHANNEL_EVENT_TYPES",
                "tunnel.opened",
                "PORTHOLE_NOTIFY_RATE_LIMITS_SLACK",
                "100/1s",
                "PORTHOLE_NOTIFY_CONSUMER_BLOCK",
                "200ms"));
        return NotificationService.start(
                system.logDir(), FreePorts.loopback(), slack.url("/services/T000/B000/e2e"), settings);
    }
}
