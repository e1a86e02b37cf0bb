package dev.porthole.agent.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porthole.protocol.message.ResetCode;
import dev.porthole.testing.TestCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent checks the gateway's certificate on wss://: a certificate from a CA it does not trust,
 * for another host, or with a key other than the pinned one ends the agent with exit code 9; the
 * private CA given with --ca, or --insecure, lets the handshake through.
 */
class GatewayTrustTest {

    @TempDir
    static Path folder;

    private static Vertx vertx;
    private static TestCertificates ca;
    private static TestCertificates.Leaf localhost;
    private static HttpServer gateway;
    private static HttpServer otherHost;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        ca = TestCertificates.newCa(folder.resolve("ca"), "Agent Test CA");
        localhost = ca.leaf("localhost");
        gateway = tlsServer(localhost);
        otherHost = tlsServer(ca.leaf("gateway.example.test"));
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    /** A TLS server that answers 404 to everything: an agent that gets past the handshake ends with exit code 6 (no agent endpoint). */
    private static HttpServer tlsServer(TestCertificates.Leaf leaf) throws Exception {
        return vertx.createHttpServer(new HttpServerOptions()
                        .setSsl(true)
                        .setHost("127.0.0.1")
                        .setPort(0)
                        .setKeyCertOptions(new PemKeyCertOptions()
                                .setCertPath(leaf.cert().toString())
                                .setKeyPath(leaf.key().toString())))
                .requestHandler(request -> request.response().setStatusCode(404).end())
                .listen()
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    private static AgentExit run(HttpServer server, GatewayTrust trust) throws Exception {
        AgentSettings settings =
                AgentSettings.of(URI.create("https://localhost:" + server.actualPort()), "agent-trust-test", draft -> {
                    draft.upstreamTimeout = Duration.ofSeconds(5);
                    draft.maxUpstreamConnections = 1;
                    draft.maxReconnectDelay = Duration.ofMillis(100);
                    draft.maxAttempts = 1;
                    draft.trust = trust;
                });
        TunnelClient client = new TunnelClient(
                vertx,
                settings,
                (stream, open, tunnel) -> stream.reset(ResetCode.NO_SUCH_TUNNEL, "test"),
                TunnelListener.SILENT,
                new Backoff(
                        Duration.ofMillis(50),
                        Duration.ofMillis(100),
                        Duration.ofSeconds(30),
                        new SecureRandom(),
                        Clock.systemUTC()),
                "test");
        return client.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static String pin(Path certFile) throws Exception {
        try (FileInputStream in = new FileInputStream(certFile.toFile())) {
            return PinnedTrustManager.pinOf(
                    (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
    }

    @Test
    void refusesAGatewayWhoseCertificateTheSystemDoesNotTrust() throws Exception {
        AgentExit exit = run(gateway, GatewayTrust.SYSTEM);
        assertThat(exit.code()).isEqualTo(AgentExit.TLS_UNVERIFIED);
        assertThat(exit.message())
                .startsWith(
                        "the gateway at https://localhost:" + gateway.actualPort() + " did not prove its identity: ")
                .contains("--ca FILE");
    }

    @Test
    void trustsTheGatewayThroughThePrivateCaGivenWithCa() throws Exception {
        AgentExit exit = run(gateway, GatewayTrust.of(ca.caFile().toString(), false, List.of()));
        assertThat(exit.code()).as(exit.message()).isEqualTo(AgentExit.CONFIG_ERROR);
        assertThat(exit.message()).contains("no Porthole agent endpoint");
    }

    @Test
    void refusesACertificateForAnotherHostEvenFromTheTrustedCa() throws Exception {
        AgentExit exit = run(otherHost, GatewayTrust.of(ca.caFile().toString(), false, List.of()));
        assertThat(exit.code()).isEqualTo(AgentExit.TLS_UNVERIFIED);
        assertThat(exit.message()).containsIgnoringCase("localhost");
    }

    @Test
    void acceptsOnlyThePinnedKey() throws Exception {
        assertThat(run(gateway, GatewayTrust.of(ca.caFile().toString(), false, List.of(pin(localhost.cert()))))
                        .code())
                .isEqualTo(AgentExit.CONFIG_ERROR);
        AgentExit wrongKey = run(gateway, GatewayTrust.of(ca.caFile().toString(), false, List.of(pin(ca.caFile()))));
        assertThat(wrongKey.code()).isEqualTo(AgentExit.TLS_UNVERIFIED);
        assertThat(wrongKey.message())
                .contains("which is not a pinned key (--pin)")
                .contains(pin(localhost.cert()));
        assertThat(run(gateway, GatewayTrust.of(null, true, List.of(pin(ca.caFile()))))
                        .code())
                .as("--insecure skips the chain, not the pin")
                .isEqualTo(AgentExit.TLS_UNVERIFIED);
    }

    @Test
    void insecureSkipsTheCheckAndSaysSo() throws Exception {
        GatewayTrust insecure = GatewayTrust.of(null, true, List.of());
        assertThat(run(otherHost, insecure).code()).isEqualTo(AgentExit.CONFIG_ERROR);
        assertThat(insecure.warnings(URI.create("https://gateway.example.com")))
                .singleElement()
                .asString()
                .startsWith("--insecure:");
    }

    @Test
    void warnsAboutPlainHttpToAnotherMachineOnly() {
        assertThat(GatewayTrust.SYSTEM.warnings(URI.create("http://gateway.example.com:8080")))
                .singleElement()
                .asString()
                .contains("unencrypted");
        assertThat(GatewayTrust.SYSTEM.warnings(URI.create("ws://203.0.113.7:8080")))
                .hasSize(1);
        assertThat(GatewayTrust.SYSTEM.warnings(URI.create("http://localhost:8080")))
                .isEmpty();
        assertThat(GatewayTrust.SYSTEM.warnings(URI.create("http://127.0.0.1:8080")))
                .isEmpty();
        assertThat(GatewayTrust.SYSTEM.warnings(URI.create("http://[::1]:8080")))
                .isEmpty();
        assertThat(GatewayTrust.SYSTEM.warnings(URI.create("https://gateway.example.com")))
                .isEmpty();
    }

    @Test
    void badCaFilesAndPinsAreConfigurationErrorsNamingTheFlag() throws IOException {
        assertThatThrownBy(() -> GatewayTrust.of(folder.resolve("missing.pem").toString(), false, List.of()))
                .hasMessage("--ca " + folder.resolve("missing.pem") + ": no such file");
        assertThatThrownBy(() -> GatewayTrust.of(ca.strayKey().toString(), false, List.of()))
                .hasMessageStartingWith("--ca ");
        assertThatThrownBy(() -> GatewayTrust.of(null, false, List.of("md5/abc")))
                .hasMessageContaining("must look like sha256/");
        assertThatThrownBy(() -> GatewayTrust.of(null, false, List.of("sha256/AAAA")))
                .hasMessageContaining("32 bytes");
    }
}
