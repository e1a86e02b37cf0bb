package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.testing.ServiceProcess;
import dev.porthole.testing.TestCertificates;
import dev.porthole.testing.TlsProbe;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTPS at the edge with real processes: a gateway terminating TLS with a wildcard certificate from
 * a private CA, an agent on wss:// that trusts that CA (--ca), curl reaching the tunnel at
 * https://name.porthole.test, an agent refusing a gateway it cannot verify (exit code 9), a
 * certificate replaced on disk served by the next handshake, and a gateway refusing to start with an
 * expired certificate.
 */
class HttpsIT {

    private static PortholeSystem system;
    private static TestCertificates ca;
    private static Path certFile;
    private static Path keyFile;
    private static PortholeSystem.Agent agent;

    @BeforeAll
    static void start() throws IOException {
        Path folder = Path.of("target", "e2e-tls", "HttpsIT").toAbsolutePath();
        ca = TestCertificates.newCa(folder.resolve("ca-" + System.nanoTime()), "HttpsIT CA");
        certFile = folder.resolve("gateway.pem");
        keyFile = folder.resolve("gateway.key");
        // localhost too: the agents dial https://localhost:<port>, since nothing resolves porthole.test here.
        ca.leaf("*.porthole.test", "porthole.test", "localhost").installAs(certFile, keyFile);
        system = new PortholeSystem("HttpsIT")
                .gatewaySetting("PORTHOLE_GATEWAY_TLS_CERT_FILES", certFile.toString())
                .gatewaySetting("PORTHOLE_GATEWAY_TLS_KEY_FILES", keyFile.toString())
                .gatewaySetting("PORTHOLE_GATEWAY_TLS_RELOAD_CHECK_INTERVAL", "200ms")
                .startGateway()
                .startUpstream();
        ServiceProcess process = system.launchAgent(
                "agent",
                List.of(
                        "http",
                        String.valueOf(system.upstreamPort()),
                        "--server",
                        server(),
                        "--ca",
                        ca.caFile().toString()),
                Map.of());
        agent = new PortholeSystem.Agent(process, process.awaitFirstLine(PortholeSystem.START_TIMEOUT));
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    private static String server() {
        return "https://localhost:" + system.gatewayPort();
    }

    @Test
    void theAgentConnectsOverWssAndPrintsAnHttpsUrl() {
        assertThat(agent.url()).matches("https://[a-z0-9-]+\\.porthole\\.test:" + system.gatewayPort());
        assertThat(agent.process().stderr())
                .noneMatch(line -> line.contains("unencrypted") || line.contains("--insecure"));
    }

    @Test
    void curlReachesTheLocalServiceThroughTheTunnelOverHttps() throws Exception {
        Curl answer = curl("https://" + agent.name() + ".porthole.test:" + system.gatewayPort() + "/hello");
        assertThat(answer.exitCode()).as(answer.output()).isZero();
        assertThat(answer.output()).isEqualTo("hello\n");
    }

    @Test
    void curlOverH2ByAlpnReachesAnHttp11Upstream() throws Exception {
        Curl answer = curl(
                "https://" + agent.name() + ".porthole.test:" + system.gatewayPort() + "/hello",
                "--http2",
                "-w",
                "%{http_version}");
        assertThat(answer.exitCode()).as(answer.output()).isZero();
        assertThat(answer.output())
                .as("the body, then the HTTP version curl spoke")
                .isEqualTo("hello\n2");
    }

    @Test
    void anAgentThatCannotVerifyTheGatewayExitsWithCode9() {
        ServiceProcess untrusting = system.launchAgent(
                "untrusting", List.of("http", String.valueOf(system.upstreamPort()), "--server", server()), Map.of());
        assertThat(untrusting.awaitExit(Duration.ofSeconds(60))).isEqualTo(9);
        assertThat(untrusting.stderr())
                .anyMatch(
                        line -> line.startsWith("porthole: the gateway at " + server() + " did not prove its identity")
                                && line.contains("--ca FILE"));
        assertThat(untrusting.stdout()).isEmpty();
    }

    @Test
    void insecureConnectsButWarnsAtStart() {
        ServiceProcess insecure = system.launchAgent(
                "insecure",
                List.of("http", String.valueOf(system.upstreamPort()), "--server", server()),
                Map.of("INSECURE", "true"));
        assertThat(insecure.awaitFirstLine(PortholeSystem.START_TIMEOUT)).startsWith("https://");
        assertThat(insecure.stderr())
                .anyMatch(line -> line.contains("--insecure: the gateway's TLS certificate is not checked"));
        insecure.stop();
    }

    @Test
    void aCertificateReplacedOnDiskIsServedByTheNextHandshake() throws Exception {
        BigInteger before = servedSerial();
        TestCertificates.Leaf next = ca.leaf("*.porthole.test", "porthole.test", "localhost");
        next.installAs(certFile, keyFile);
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> servedSerial().equals(next.serial()));
        assertThat(next.serial()).isNotEqualTo(before);
        assertThat(system.gateway().isAlive()).isTrue();
        assertThat(curl("https://" + agent.name() + ".porthole.test:" + system.gatewayPort() + "/hello")
                        .output())
                .isEqualTo("hello\n");
    }

    @Test
    void aGatewayWithAnExpiredCertificateRefusesToStartNamingTheFile() throws Exception {
        TestCertificates.Leaf expired = ca.expiredLeaf("*.porthole.test", "porthole.test");
        ServiceProcess gateway = system.newGateway("expired-gateway")
                .setting("PORTHOLE_GATEWAY_TLS_CERT_FILES", expired.cert().toString())
                .setting("PORTHOLE_GATEWAY_TLS_KEY_FILES", expired.key().toString())
                .launch();
        assertThat(gateway.awaitExit(PortholeSystem.START_TIMEOUT)).isNotZero();
        List<String> output = new ArrayList<>(gateway.stderr());
        output.addAll(gateway.stdout());
        assertThat(output)
                .anyMatch(line -> line.contains(
                        "invalid configuration: porthole.gateway.tls.cert-files (PORTHOLE_GATEWAY_TLS_CERT_FILES): "
                                + expired.cert() + ": the certificate for *.porthole.test, porthole.test expired at"));
    }

    private static BigInteger servedSerial() throws IOException {
        return TlsProbe.handshake(system.gatewayPort(), agent.name() + ".porthole.test", ca.caFile())
                .leaf()
                .getSerialNumber();
    }

    private record Curl(int exitCode, String output) {}

    private static Curl curl(String url, String... options) throws Exception {
        String host = url.substring("https://".length(), url.indexOf(':', "https://".length()));
        List<String> command = new java.util.ArrayList<>(List.of(
                "curl",
                "-sS",
                "--max-time",
                "20",
                "--cacert",
                ca.caFile().toString(),
                "--resolve",
                host + ":" + system.gatewayPort() + ":127.0.0.1"));
        command.addAll(List.of(options));
        command.add(url);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("curl did not finish: " + url);
        }
        return new Curl(
                process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
