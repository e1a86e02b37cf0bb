package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.e2e.support.GatewayLaunch.Gateway;
import dev.porthole.e2e.support.Http;
import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.testing.FreePorts;
import dev.porthole.testing.PebbleProcess;
import dev.porthole.testing.ServiceProcess;
import dev.porthole.testing.TestCertificates;
import dev.porthole.testing.TlsProbe;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS with a cluster, real processes: two gateways terminating TLS with on-demand ACME certificates
 * from a real Pebble CA, sharing Redis, meeting each other on plain internal listeners. An agent on
 * one gateway; a visitor's HTTPS request to the other is served (forwarded over the internal hop),
 * and both gateways serve the one certificate that was ordered once.
 */
class ClusterAcmeIT {

    private static final String TOKEN = "e2e-acme-token-0123456789";
    private static final Pattern ISSUED =
            Pattern.compile("porthole_gateway_acme_orders_total\\{[^}]*outcome=\"issued\"[^}]*} ([0-9.eE+-]+)");

    private static PortholeSystem system;
    private static PebbleProcess pebble;
    private static TestCertificates ca;
    private static Gateway first;
    private static Gateway second;
    private static int secondInternalPort;

    @BeforeAll
    static void start() throws IOException {
        Path folder = Path.of("target", "e2e-tls", "ClusterAcmeIT").toAbsolutePath();
        ca = TestCertificates.newCa(folder.resolve("ca-" + System.nanoTime()), "ClusterAcmeIT CA");
        // Agents dial https://localhost:<port>: a file certificate for it, since ACME orders only <name>.<domain> and
        // the domain.
        Path cert = folder.resolve("localhost.pem");
        Path key = folder.resolve("localhost.key");
        ca.leaf("localhost").installAs(cert, key);
        int firstRedirect = FreePorts.loopback();
        pebble = PebbleProcess.start(firstRedirect, Duration.ofDays(30), List.of());
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        system = new PortholeSystem("ClusterAcmeIT")
                .gatewaySetting("PORTHOLE_GATEWAY_AUTH_TOKENS", TOKEN)
                .gatewaySetting("PORTHOLE_GATEWAY_TLS_CERT_FILES", cert.toString())
                .gatewaySetting("PORTHOLE_GATEWAY_TLS_KEY_FILES", key.toString())
                .gatewaySetting("PORTHOLE_GATEWAY_TLS_ACME_DIRECTORY_URL", pebble.directoryUrl())
                .gatewaySetting(
                        "PORTHOLE_GATEWAY_TLS_ACME_CA_FILE", pebble.caFile().toString())
                .gatewaySetting(
                        "PORTHOLE_GATEWAY_TLS_ACME_ENCRYPTION_KEY",
                        Base64.getEncoder().encodeToString(secret));
        first = system.newGateway("gw-a")
                .inCluster("gw-a")
                .settings(gateway(firstRedirect))
                .start();
        Map<String, String> secondSettings = gateway(FreePorts.loopback());
        secondInternalPort = Integer.parseInt(
                secondSettings.get("PORTHOLE_GATEWAY_CLUSTER_INTERNAL_ADDRESS").substring("127.0.0.1:".length()));
        second = system.newGateway("gw-b")
                .inCluster("gw-b")
                .settings(secondSettings)
                .start();
        system.startUpstream();
        ServiceProcess agent = system.launchAgent(
                "agent",
                List.of(
                        "http",
                        String.valueOf(system.upstreamPort()),
                        "--subdomain",
                        "app",
                        "--server",
                        "https://localhost:" + first.port(),
                        "--ca",
                        ca.caFile().toString(),
                        "--token",
                        TOKEN,
                        "--no-inspect"),
                Map.of());
        assertThat(agent.awaitFirstLine(PortholeSystem.START_TIMEOUT))
                .isEqualTo("https://app." + PortholeSystem.DOMAIN + ":" + first.port());
    }

    /** Its own redirect port (Pebble checks HTTP-01 on the first's; the answer is in Redis for both) and a plain internal port. */
    private static Map<String, String> gateway(int redirectPort) {
        Map<String, String> settings = new HashMap<>();
        settings.put("PORTHOLE_GATEWAY_TLS_REDIRECT_PORT", String.valueOf(redirectPort));
        settings.put("PORTHOLE_GATEWAY_CLUSTER_INTERNAL_ADDRESS", "127.0.0.1:" + FreePorts.loopback());
        return settings;
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
        if (pebble != null) {
            pebble.close();
        }
    }

    @Test
    void twoGatewaysServeOneCertificateOrderedOnceAndForwardOverTheInternalHop() throws Exception {
        Path root = pebble.issuingRoot();
        // The first handshake on the second gateway orders the certificate; until it is there, the handshake gets the
        // file certificate.
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> TlsProbe.handshake(second.port(), "app." + PortholeSystem.DOMAIN, root)
                                .leaf()
                        != null);
        BigInteger onSecond = TlsProbe.handshake(second.port(), "app." + PortholeSystem.DOMAIN, root)
                .leaf()
                .getSerialNumber();
        BigInteger onFirst = await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(
                        () -> TlsProbe.handshake(first.port(), "app." + PortholeSystem.DOMAIN, root)
                                .leaf()
                                .getSerialNumber(),
                        serial -> true);
        assertThat(onFirst)
                .as("the certificate the other gateway obtained, from Redis")
                .isEqualTo(onSecond);
        assertThat(issued(first) + issued(second))
                .as("orders issued across the cluster")
                .isEqualTo(1.0);

        // The visitor reaches the second gateway over HTTPS; the agent is on the first: the request crosses the
        // internal hop.
        Process curl = new ProcessBuilder(
                        "curl",
                        "-sS",
                        "--max-time",
                        "20",
                        "--cacert",
                        root.toString(),
                        "--resolve",
                        "app." + PortholeSystem.DOMAIN + ":" + second.port() + ":127.0.0.1",
                        "https://app." + PortholeSystem.DOMAIN + ":" + second.port() + "/hello")
                .redirectErrorStream(true)
                .start();
        assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.exitValue()).as(output).isZero();
        assertThat(output).isEqualTo("hello\n");
        assertThat(ClusterIT.forwards(Http.get(second.metricsUrl()).body(), "sent"))
                .isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void theInternalListenerRefusesVisitorsSoNobodyBypassesTls() throws Exception {
        // Plain HTTP to the peers' port, as a visitor who found it: no tunnel without the cluster's credential.
        String refused = plainGet("Host: app." + PortholeSystem.DOMAIN + "\r\n");
        assertThat(refused)
                .startsWith("HTTP/1.1 403")
                .contains("other gateways of the cluster only")
                .doesNotEndWith("\r\n\r\nhello\n");
        String forged =
                plainGet("Host: app." + PortholeSystem.DOMAIN + "\r\nX-Porthole-Gateway-Token: guessed-0123456789\r\n");
        assertThat(forged).startsWith("HTTP/1.1 403");
    }

    private static String plainGet(String headers) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", secondInternalPort)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write(("GET /hello HTTP/1.1\r\n" + headers + "Connection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static double issued(Gateway gateway) {
        Matcher series = ISSUED.matcher(Http.get(gateway.metricsUrl()).body());
        return series.find() ? Double.parseDouble(series.group(1)) : 0;
    }
}
