package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.e2e.support.AdminApi;
import dev.porthole.e2e.support.AgentHandshake;
import dev.porthole.e2e.support.AgentHandshake.Answer;
import dev.porthole.e2e.support.AuthService;
import dev.porthole.e2e.support.PortholeSystem;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Failed agent handshakes are counted per source IP (IPv6: per /64) through a real gateway and a
 * real auth-service: a new connection from the same host does not start a new counter, forwarded
 * headers count only on a gateway that trusts them, and strangers failing for a client id do not
 * lock that client's own agent out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentLockoutIT {

    private static final String LOCKED = "too many failed authentication attempts";

    private PortholeSystem system;
    private AdminApi admin;
    private AgentHandshake direct;
    private AgentHandshake behindProxy;
    private String honestSecret;

    @BeforeAll
    void start() {
        system = new PortholeSystem("agent-lockout");
        AuthService auth = system.startAuthService(Map.of(
                "PORTHOLE_AUTH_FAILURES_PER_ADDRESS", "3",
                "PORTHOLE_AUTH_FAILURES_PER_CLIENT", "2",
                "PORTHOLE_AUTH_FAILURES_WINDOW", "10m"));
        system.startGateway();
        int proxied = system.newGateway("gateway-proxied")
                .setting("PORTHOLE_GATEWAY_HTTP_TRUST_FORWARDED_HEADERS", "true")
                .start()
                .port();
        admin = auth.admin();
        honestSecret = admin.createClient("honest", "{\"subdomains\":[\"honest\"]}");
        direct = new AgentHandshake(system.gatewayPort());
        behindProxy = new AgentHandshake(proxied);
    }

    @AfterAll
    void stop() {
        system.close();
    }

    @Test
    @Order(1)
    void locksOutAHostAfterItsFailuresWhateverPortAndForwardedHeaderItUses() {
        for (int i = 1; i <= 3; i++) {
            // Each attempt is a new connection (a new source port) and claims another address.
            Answer refused = direct.basic("nobody-" + i, "wrong", "198.51.100." + i);
            assertThat(refused.status()).as("failure %d", i).isEqualTo(401);
        }
        Answer locked = direct.basic("honest", honestSecret, "198.51.100.99");
        assertThat(locked.status())
                .as("the fourth attempt from the same host, right or wrong: %s", locked)
                .isEqualTo(429);
        assertThat(locked.body()).contains(LOCKED);
        assertThat(locked.retryAfter()).isPositive();
    }

    @Test
    @Order(2)
    void behindATrustedProxyCountsTheAddressTheProxySaw() {
        for (int i = 1; i <= 3; i++) {
            // A visitor may put anything first; the proxy appends what it saw, and that is what counts.
            assertThat(behindProxy
                            .basic("stranger-" + i, "wrong", "10.9.9." + i + ", 192.0.2.10")
                            .status())
                    .isEqualTo(401);
        }
        assertThat(behindProxy.basic("honest", honestSecret, "192.0.2.10").status())
                .isEqualTo(429);
        assertThat(behindProxy.basic("honest", honestSecret, "192.0.2.11").status())
                .as("another host behind the proxy")
                .isEqualTo(101);
    }

    @Test
    @Order(3)
    void countsIpv6FailuresPerSlash64() {
        for (String host : new String[] {"2001:db8:1:2::a", "2001:db8:1:2::b", "2001:db8:1:2:ffff:ffff:ffff:ffff"}) {
            assertThat(behindProxy
                            .basic("nobody-" + host.replace(':', '-'), "wrong", host)
                            .status())
                    .isEqualTo(401);
        }
        // Wrong secrets again: the gateway reuses an accepted credential for a while without asking auth-service.
        assertThat(behindProxy
                        .basic("nobody-v6", "wrong", "2001:db8:1:2:abcd::1")
                        .status())
                .as("same /64")
                .isEqualTo(429);
        assertThat(behindProxy.basic("nobody-v6", "wrong", "2001:db8:1:3::1").status())
                .as("next /64")
                .isEqualTo(401);
    }

    @Test
    @Order(4)
    void strangersFailingForAClientDoNotLockItsOwnAgentOut() {
        String secret = admin.createClient("victim", "{\"subdomains\":[\"victim\"]}");
        for (int i = 1; i <= 4; i++) {
            assertThat(behindProxy
                            .basic("victim", "guess-" + i, "203.0.113." + i)
                            .status())
                    .isEqualTo(401);
        }
        Answer owner = behindProxy.basic("victim", secret, "203.0.113.200");
        assertThat(owner.status())
                .as("the client's own agent from its own address: %s", owner)
                .isEqualTo(101);

        assertThat(behindProxy.basic("victim", "guess-5", "203.0.113.1").status())
                .isEqualTo(401);
        Answer guesser = behindProxy.basic("victim", "guess-6", "203.0.113.1");
        assertThat(guesser.status())
                .as("an address that failed for this client twice is locked for it: %s", guesser)
                .isEqualTo(429);
        assertThat(behindProxy.basic("honest", honestSecret, "203.0.113.1").status())
                .as("but not for other clients")
                .isEqualTo(101);
    }
}
