package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.e2e.support.AdminApi;
import dev.porthole.e2e.support.GatewayLaunch.Gateway;
import dev.porthole.e2e.support.Http;
import dev.porthole.e2e.support.NotificationService;
import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.e2e.support.PortholeSystem.Agent;
import dev.porthole.testing.FreePorts;
import dev.porthole.testing.RedisClusterProcesses;
import dev.porthole.testing.ServiceProcess;
import dev.porthole.testing.WebhookReceiver;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole journey on a real three-primary Redis Cluster (issue 22): auth-service, two gateways of
 * one cluster and notification-service, all with {@code QUARKUS_REDIS_CLIENT_TYPE=cluster}. An agent
 * authenticates and claims its name on one gateway, a visitor reaches it through the other, the
 * tunnel's event reaches the chat, the name stays unique, and disabling the client (a broadcast on
 * {@code control}, through the cluster) closes the tunnel. The processes are started once for the
 * class. (PortholeSystem still starts its own single redis-server; nothing here uses it.)
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static RedisClusterProcesses cluster;
    private static WebhookReceiver chat;
    private static ServiceProcess notifications;
    private static PortholeSystem system;
    private static Gateway holderGateway;
    private static Gateway otherGateway;
    private static AdminApi admin;
    private static String secret;
    private static Agent agent;

    @BeforeAll
    static void start() {
        cluster = RedisClusterProcesses.start();
        Map<String, String> onCluster =
                Map.of("QUARKUS_REDIS_HOSTS", cluster.hosts(), "QUARKUS_REDIS_CLIENT_TYPE", "cluster");
        chat = WebhookReceiver.answering(WebhookReceiver.Reply.text(200, "ok"));
        system = new PortholeSystem("RedisClusterIT");
        Map<String, String> notify = new HashMap<>(onCluster);
        notify.putAll(Map.of(
                "PORTHOLE_NOTIFY_DEFAULT_CHANNEL_EVENT_TYPES",
                "tunnel.opened",
                "PORTHOLE_NOTIFY_CONSUMER_BLOCK",
                "200ms"));
        notifications = NotificationService.start(
                system.logDir(), FreePorts.loopback(), chat.url("/services/T000/B000/cluster"), notify);
        admin = system.startAuthService(onCluster).admin();
        onCluster.forEach(system::gatewaySetting);
        holderGateway = system.newGateway("gw-a").inCluster("gw-a").start();
        otherGateway = system.newGateway("gw-b").inCluster("gw-b").start();
        system.startUpstream();
        secret = admin.createClient("journey", "{\"subdomains\":[\"journey\"],\"maxTunnels\":2}");
        agent = system.startAgent(
                "journey-agent",
                holderGateway.port(),
                List.of("-Xmx128m"),
                List.of("--credentials", "journey:" + secret, "--subdomain", "journey", "--no-inspect"));
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
        if (notifications != null) {
            notifications.stop();
        }
        if (chat != null) {
            chat.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void theAgentsHandshakeAndClaimAreInTheCluster() {
        assertThat(agent.url()).contains("journey");
        assertThat(cluster.command("GET", "porthole:route:http:{journey}")).contains("\"gatewayId\":\"gw-a\"");
        assertThat(cluster.command("GET", "porthole:reservation:{journey}").trim())
                .isEqualTo("journey");
    }

    @Test
    @Order(2)
    void aVisitorOfTheOtherGatewayIsForwardedToTheHolder() {
        assertThat(Http.getByHost(system, otherGateway.port(), "journey", "/hello")
                        .statusCode())
                .isEqualTo(200);
        assertThat(Http.getByHost(system, holderGateway.port(), "journey", "/hello")
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    @Order(3)
    void theTunnelsEventReachesTheChat() {
        await("tunnel.opened reaches the chat")
                .atMost(WAIT)
                .until(() -> chat.received("Tunnel http journey opened at " + agent.url()));
    }

    @Test
    @Order(4)
    void theNameIsHeldOnceAcrossTheGateways() {
        ServiceProcess second = system.launchHttpAgent(
                "journey-second",
                otherGateway.port(),
                List.of("--credentials", "journey:" + secret, "--subdomain", "journey", "--no-inspect"));
        assertThat(second.awaitExit(WAIT)).isEqualTo(4);
        assertThat(second.stderr()).anyMatch(line -> line.contains("'journey' is held by another agent of yours"));
        assertThat(cluster.command("GET", "porthole:route:http:{journey}")).contains("\"gatewayId\":\"gw-a\"");
    }

    @Test
    @Order(5)
    void disablingTheClientReachesTheGatewaysThroughTheCluster() {
        admin.disableClient("journey");
        assertThat(agent.process().awaitExit(WAIT)).isEqualTo(3);
        assertThat(Http.getByHost(system, otherGateway.port(), "journey", "/hello")
                        .statusCode())
                .isNotEqualTo(200);
    }
}
