package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.e2e.support.AdminApi;
import dev.porthole.e2e.support.AuthService;
import dev.porthole.e2e.support.Http;
import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.e2e.support.PortholeSystem.Agent;
import dev.porthole.testing.ServiceProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * An operator's journey with auth-service, every part a real process: clients created over the admin
 * API, agents proving who they are with credentials and JWTs, reserved names, session and tunnel
 * limits across two gateways, a client disabled
 * while its agents are connected to two gateways, auth-service going down, and a public session
 * running out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuthJourneyIT {

    private static final Duration EXIT = Duration.ofSeconds(30);

    private PortholeSystem system;
    private AuthService auth;
    private AdminApi admin;
    private int secondGateway;

    @BeforeAll
    void start() {
        system = new PortholeSystem("auth-journey");
        auth = system.startAuthService(Map.of(
                "PORTHOLE_AUTH_PUBLIC_SESSION_LIFETIME", "8s",
                "PORTHOLE_AUTH_PUBLIC_WARNING_LEAD", "4s"));
        system.startGateway().startUpstream();
        secondGateway = system.newGateway("gateway-2").start().port();
        admin = auth.admin();
    }

    @AfterAll
    void stop() {
        system.close();
    }

    @Test
    @Order(1)
    void aClientClaimsItsReservedNameAndNoOtherClientCan() {
        String shopSecret = admin.createClient("shop", "{\"subdomains\":[\"shop\"]}");
        String rivalSecret = admin.createClient("rival", "{\"subdomains\":[\"*\"]}");

        Agent shop =
                system.startAgent("shop-agent", List.of("--credentials", "shop:" + shopSecret, "--subdomain", "shop"));
        assertThat(shop.url()).isEqualTo("http://shop." + PortholeSystem.DOMAIN + ":" + system.gatewayPort());
        assertThat(Http.getByHost(system, "shop", "/hello").body()).isEqualTo("hello\n");

        ServiceProcess rival = system.launchHttpAgent(
                "rival-agent",
                system.gatewayPort(),
                List.of("--credentials", "rival:" + rivalSecret, "--subdomain", "shop"));
        assertThat(rival.awaitExit(EXIT)).isEqualTo(4);
        assertThat(rival.stderr())
                .anyMatch(
                        line -> line.contains("porthole: ") && line.contains("'shop' is reserved for another client"));

        ServiceProcess wrongSecret = system.launchHttpAgent(
                "wrong-secret", system.gatewayPort(), List.of("--credentials", "shop:not-the-secret"));
        assertThat(wrongSecret.awaitExit(EXIT)).isEqualTo(3);
        assertThat(wrongSecret.stderr()).anyMatch(line -> line.contains("the credentials were not accepted"));

        assertThat(Http.getByHost(system, "shop", "/hello").statusCode())
                .as("the owner's tunnel is untouched")
                .isEqualTo(200);
    }

    @Test
    @Order(2)
    void aJwtOpensATunnelOnlyWithItsClientIdAndANewSessionReplacesTheOld() {
        admin.createClient("signed", "{\"subdomains\":[\"signed-*\"]}");
        String jwt = admin.issueJwt("signed", Duration.ofHours(1));

        Agent agent = system.startAgent(
                "jwt-agent", List.of("--token", jwt, "--client-id", "signed", "--subdomain", "signed-a"));
        assertThat(agent.name()).isEqualTo("signed-a");
        assertThat(Http.getByHost(system, "signed-a", "/hello").statusCode()).isEqualTo(200);

        ServiceProcess mismatched = system.launchHttpAgent(
                "jwt-wrong-client", system.gatewayPort(), List.of("--token", jwt, "--client-id", "shop"));
        assertThat(mismatched.awaitExit(EXIT)).isEqualTo(3);
        assertThat(mismatched.stderr()).anyMatch(line -> line.contains("tid claim does not match"));

        Agent replacement = system.startAgent(
                "jwt-agent-2",
                List.of("-Xmx128m"),
                List.of(
                        "--token",
                        admin.issueJwt("signed", Duration.ofHours(1)),
                        "--client-id",
                        "signed",
                        "--subdomain",
                        "signed-a"));
        assertThat(replacement.name())
                .as("a new session for the same client takes the name over")
                .isEqualTo("signed-a");
        assertThat(agent.process().awaitExit(EXIT)).isEqualTo(7);
        assertThat(agent.process().stderr())
                .anyMatch(line -> line.contains("a newer session of client 'signed' took over its tunnels"));
        assertThat(Http.getByHost(system, "signed-a", "/hello").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void aClientsSessionAndTunnelLimitsHoldAcrossGateways() {
        String secret = admin.createClient("solo", "{\"subdomains\":[\"solo-*\"],\"maxSessions\":1}");
        Agent first = system.startAgent("solo-1", List.of("--credentials", "solo:" + secret, "--subdomain", "solo-a"));
        ServiceProcess waiting = system.launchHttpAgent(
                "solo-2", secondGateway, List.of("--credentials", "solo:" + secret, "--subdomain", "solo-b"));
        waiting.awaitLog(
                line -> line.contains("client 'solo' already has 1 agent session, its limit")
                        && line.contains("retrying in"),
                EXIT);
        first.process().stop();
        assertThat(waiting.awaitFirstLine(Duration.ofSeconds(60)))
                .as("the second agent connects once the first is gone")
                .isEqualTo("http://solo-b." + PortholeSystem.DOMAIN + ":" + secondGateway);

        String pairSecret = admin.createClient("pair", "{\"subdomains\":[\"pair-*\"],\"maxTunnels\":1}");
        system.startAgent("pair-1", List.of("--credentials", "pair:" + pairSecret, "--subdomain", "pair-a"));
        ServiceProcess refused = system.launchHttpAgent(
                "pair-2", secondGateway, List.of("--credentials", "pair:" + pairSecret, "--subdomain", "pair-b"));
        assertThat(refused.awaitExit(EXIT)).isEqualTo(4);
        assertThat(refused.stderr()).anyMatch(line -> line.contains("client 'pair' may hold at most 1 tunnel at once"));
    }

    @Test
    @Order(4)
    void disablingAClientClosesItsTunnelsOnEveryGatewayWithinASecond() {
        String secret = admin.createClient("fleet", "{\"subdomains\":[\"fleet-*\"]}");
        Agent first =
                system.startAgent("fleet-1", List.of("--credentials", "fleet:" + secret, "--subdomain", "fleet-one"));
        Agent second = system.startAgent(
                "fleet-2",
                secondGateway,
                List.of("-Xmx128m"),
                List.of("--credentials", "fleet:" + secret, "--subdomain", "fleet-two"));
        assertThat(Http.getByHost(system, "fleet-one", "/hello").statusCode()).isEqualTo(200);
        assertThat(Http.getByHost(system, secondGateway, "fleet-two", "/hello").statusCode())
                .isEqualTo(200);

        admin.disableClient("fleet");

        await("both gateways stop serving the disabled client's tunnels")
                .atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> Http.getByHost(system, "fleet-one", "/hello").statusCode() != 200
                        && Http.getByHost(system, secondGateway, "fleet-two", "/hello")
                                        .statusCode()
                                != 200);
        for (Agent agent : List.of(first, second)) {
            assertThat(agent.process().awaitExit(EXIT)).isEqualTo(3);
            assertThat(agent.process().stderr())
                    .anyMatch(line -> line.contains("porthole: ") && line.contains("'fleet' was disabled"));
        }
        assertThat(Http.getByHost(system, "shop", "/hello").statusCode())
                .as("other clients keep their tunnels")
                .isEqualTo(200);
    }

    @Test
    @Order(5)
    void aPublicSessionIsWarnedThenEndsAndTheAgentExits() {
        Agent visitor = system.startAgent("public-agent", List.of("-Xmx128m"), List.of());
        assertThat(Http.getByHost(system, visitor.name(), "/hello").statusCode())
                .isEqualTo(200);
        assertThat(visitor.process().awaitExit(EXIT)).isEqualTo(7);
        assertThat(visitor.process().stderr()).anyMatch(line -> line.contains("this public session ends in"));
        assertThat(visitor.process().stderr())
                .anyMatch(line -> line.contains("porthole: ") && line.contains("public sessions last"));
    }

    @Test
    @Order(6)
    void withAuthServiceDownTunnelsKeepServingAndNewAgentsWaitForIt() {
        String secret = admin.createClient("late", "{\"subdomains\":[\"late\"]}");
        auth.stop();

        assertThat(Http.getByHost(system, "shop", "/hello").statusCode())
                .as("an open tunnel serves without auth-service")
                .isEqualTo(200);
        ServiceProcess late = system.launchHttpAgent(
                "late-agent", system.gatewayPort(), List.of("--credentials", "late:" + secret, "--subdomain", "late"));
        late.awaitLog(
                line -> line.contains("authentication is unavailable right now") && line.contains("retrying in"), EXIT);
        assertThat(late.isAlive()).as("the agent waits instead of giving up").isTrue();

        auth.start();
        await("the waiting agent gets its tunnel once auth-service is back")
                .atMost(Duration.ofSeconds(60))
                .until(() -> Http.getByHost(system, "late", "/hello").statusCode() == 200);
    }
}
