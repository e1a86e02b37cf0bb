package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.testing.FreePorts;
import dev.porthole.testing.ServiceProcess;
import dev.porthole.testing.TestCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS passthrough with real processes: a gateway with a passthrough listener, two local HTTPS
 * services ({@code openssl s_server}, each with its own certificate from a private CA) published
 * with {@code porthole tls}, and curl with {@code --resolve}: each name on the one listener reaches
 * its own service, and curl sees that service's certificate, not one of the gateway's.
 */
class TlsPassthroughIT {

    private static final String TOKEN = "e2e-tls-token-0123456789";

    private static PortholeSystem system;
    private static TestCertificates ca;
    private static int passthroughPort;

    @BeforeAll
    static void start() throws IOException {
        Path folder = Path.of("target", "e2e-tls", "TlsPassthroughIT").toAbsolutePath();
        ca = TestCertificates.newCa(folder.resolve("ca-" + System.nanoTime()), "Local Services CA");
        passthroughPort = FreePorts.loopback();
        system = new PortholeSystem("TlsPassthroughIT")
                .gatewaySetting("PORTHOLE_GATEWAY_AUTH_TOKENS", TOKEN)
                .gatewaySetting("PORTHOLE_GATEWAY_TLS_PASSTHROUGH_PORT", String.valueOf(passthroughPort))
                .startGateway();
        PortholeSystem.awaitListening(passthroughPort, system.gateway());
        publish("app");
        publish("other");
    }

    /** A local HTTPS service with a certificate for {@code <name>.porthole.test}, and an agent publishing it as a TLS tunnel. */
    private static void publish(String name) throws IOException {
        int port = startHttpsService(system, "s_server-" + name, ca.leaf(name + "." + PortholeSystem.DOMAIN));
        PortholeSystem.Agent agent = system.startCommand(
                "agent-" + name,
                List.of("-Xmx128m"),
                List.of("tls", String.valueOf(port), "--subdomain", name, "--token", TOKEN));
        assertThat(agent.url()).isEqualTo("tls://" + name + "." + PortholeSystem.DOMAIN + ":" + passthroughPort);
    }

    /**
     * Starts {@code openssl s_server -www} (it answers with a page about the TLS session) with
     * {@code leaf}'s certificate on a free loopback port; returns the port once it listens.
     */
    static int startHttpsService(PortholeSystem system, String name, TestCertificates.Leaf leaf) {
        int port = FreePorts.loopback();
        ServiceProcess service = system.startProgram(
                name,
                List.of(
                        "openssl",
                        "s_server",
                        "-quiet",
                        "-www",
                        "-accept",
                        String.valueOf(port),
                        "-cert",
                        leaf.cert().toString(),
                        "-key",
                        leaf.key().toString()));
        PortholeSystem.awaitListening(port, service);
        return port;
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void curlSeesTheLocalServicesOwnCertificateThroughTheTunnel() throws Exception {
        Curl app = curl("app");
        assertThat(app.exitCode()).as(app.output()).isZero();
        assertThat(app.output())
                .contains("subject: CN=app.porthole.test")
                .contains("issuer: CN=Local Services CA")
                .contains("SSL certificate verify ok")
                .contains("s_server");
    }

    @Test
    void anotherNameOnTheSameListenerReachesAnotherTunnel() throws Exception {
        Curl other = curl("other");
        assertThat(other.exitCode()).as(other.output()).isZero();
        assertThat(other.output()).contains("subject: CN=other.porthole.test").doesNotContain("CN=app.porthole.test");
    }

    @Test
    void aNameNobodyServesIsClosedWithoutAnAnswer() throws Exception {
        Curl nobody = curl("nobody");
        assertThat(nobody.exitCode()).as(nobody.output()).isNotZero();
        assertThat(nobody.output()).doesNotContain("subject:");
    }

    /** What curl printed (with {@code -v}: the TLS handshake and the page) and how it exited. */
    record Curl(int exitCode, String output) {}

    /** {@code curl -v https://<name>.porthole.test:<passthrough port>/}, resolved to this machine, trusting the local services' CA. */
    private static Curl curl(String name) throws Exception {
        return curl(ca, name + "." + PortholeSystem.DOMAIN, passthroughPort, "127.0.0.1");
    }

    /** {@code curl -v https://<host>:<port>/} with {@code host} resolved to {@code address}, trusting {@code ca}. */
    static Curl curl(TestCertificates ca, String host, int port, String address) throws Exception {
        Process process = new ProcessBuilder(
                        "curl",
                        "-sS",
                        "-v",
                        "--max-time",
                        "20",
                        "--cacert",
                        ca.caFile().toString(),
                        "--resolve",
                        host + ":" + port + ":" + address,
                        "https://" + host + ":" + port + "/")
                .redirectErrorStream(true)
                .start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("curl did not finish for " + host);
        }
        return new Curl(
                process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
