package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.e2e.support.UdpEcho;
import dev.porthole.e2e.support.UdpVisitor;
import dev.porthole.testing.FreePorts;
import dev.porthole.testing.ServiceProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * UDP tunnels with real processes: a gateway, agents running {@code porthole udp}, a small UDP echo
 * server in this test, and Debian's dnsmasq answering a real DNS query that {@code dig} sends through
 * the tunnel. The processes start once for the class.
 */
class UdpTunnelIT {

    private static final String TOKEN = "e2e-udp-token-0123456789";

    private static PortholeSystem system;
    private static UdpEcho echo;
    private static PortholeSystem.Agent echoAgent;

    @BeforeAll
    static void start() throws IOException {
        system = new PortholeSystem("UdpTunnelIT").gatewaySetting("PORTHOLE_GATEWAY_AUTH_TOKENS", TOKEN);
        system.freeUdpRange(4);
        system.startGateway();
        echo = UdpEcho.start();
        echoAgent = udpAgent("agent-echo", echo.port());
    }

    private static PortholeSystem.Agent udpAgent(String name, int localPort) {
        PortholeSystem.Agent agent = system.startCommand(
                name, List.of("-Xmx128m"), List.of("udp", String.valueOf(localPort), "--token", TOKEN));
        assertThat(agent.url()).startsWith("udp://" + PortholeSystem.DOMAIN + ":");
        return agent;
    }

    @AfterAll
    static void stop() {
        if (echo != null) {
            echo.close();
        }
        if (system != null) {
            system.close();
        }
    }

    @Test
    void twoVisitorsEachGetTheirOwnEchoBack() throws IOException {
        try (UdpVisitor first = UdpVisitor.open(Duration.ofSeconds(10));
                UdpVisitor second = UdpVisitor.open(Duration.ofSeconds(10))) {
            first.send(echoAgent.port(), "from first");
            second.send(echoAgent.port(), "from second");

            assertThat(second.receive()).isEqualTo("echo:from second");
            assertThat(first.receive()).isEqualTo("echo:from first");
        }
    }

    @Test
    void digResolvesANameFromDnsmasqThroughTheTunnel() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/dnsmasq")), "dnsmasq is not installed (.ci/run installs it)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/dig")), "dig is not installed (.ci/run installs it)");
        int dnsPort = FreePorts.loopback();
        ServiceProcess dnsmasq = system.startProgram(
                "dnsmasq",
                List.of(
                        "/usr/sbin/dnsmasq",
                        "--no-daemon",
                        "--port=" + dnsPort,
                        "--listen-address=127.0.0.1",
                        "--bind-interfaces",
                        "--address=/porthole.test/10.1.2.3",
                        "--no-resolv",
                        "--no-hosts"));
        PortholeSystem.awaitListening(dnsPort, dnsmasq);
        PortholeSystem.Agent dnsAgent = udpAgent("agent-dns", dnsPort);

        Process dig = new ProcessBuilder(
                        "dig",
                        "@127.0.0.1",
                        "-p",
                        String.valueOf(dnsAgent.port()),
                        "porthole.test",
                        "+short",
                        "+tries=3",
                        "+time=3")
                .redirectErrorStream(true)
                .start();
        assertThat(dig.waitFor(30, TimeUnit.SECONDS)).as("dig finished").isTrue();
        String output = new String(dig.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(dig.exitValue()).as(output).isZero();
        assertThat(output.strip()).isEqualTo("10.1.2.3");
    }
}
