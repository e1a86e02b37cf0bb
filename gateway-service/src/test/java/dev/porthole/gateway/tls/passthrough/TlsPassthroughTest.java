package dev.porthole.gateway.tls.passthrough;

import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.support.Counters;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.protocol.relay.HalfCloseSocket;
import dev.porthole.protocol.relay.Splice;
import dev.porthole.protocol.relay.StreamEnd;
import dev.porthole.testing.RedisTestResource;
import dev.porthole.testing.TestCertificates;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS passthrough tunnels against a real Redis: the listener routes each connection by its SNI name
 * to the agent of that name, unopened, so that the visitor sees the local service's own certificate;
 * connections without a name, for nobody's name, with an oversized or a slow ClientHello are closed
 * and counted.
 */
@QuarkusTest
@TestProfile(GatewayTestProfiles.Passthrough.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class TlsPassthroughTest {

    private static TestCertificates ca;
    private static Vertx local;
    private static NetServer appService;
    private static NetServer otherService;

    @Inject
    Vertx vertx;

    @Inject
    PassthroughListener listener;

    @Inject
    MeterRegistry registry;

    @Inject
    RedisAPI redis;

    @BeforeAll
    static void localServices() throws Exception {
        Path folder = Files.createTempDirectory("porthole-passthrough");
        ca = TestCertificates.newCa(folder.resolve("ca"), "Local Service CA");
        local = Vertx.vertx();
        appService = tlsEchoServer(ca.leaf("app.porthole.test"), "app");
        otherService = tlsEchoServer(ca.leaf("other.porthole.test"), "other");
    }

    @AfterAll
    static void stopLocalServices() {
        local.close();
    }

    /** A local TLS service with its own certificate: answers every line with its name and the line. */
    private static NetServer tlsEchoServer(TestCertificates.Leaf leaf, String name) throws Exception {
        NetServerOptions options = new NetServerOptions()
                .setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .setCertPath(leaf.cert().toString())
                        .setKeyPath(leaf.key().toString()));
        return local.createNetServer(options)
                .connectHandler(socket -> socket.handler(data -> socket.write(name + ": " + data)))
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    /** An agent whose TLS tunnel's streams go to a local service, byte for byte, as the real agent's TCP upstream does. */
    private TestAgent agentFor(String agentId, String name, NetServer service) {
        TestAgent agent = TestAgent.connect(
                vertx,
                GatewayPortResource.port(),
                TOKEN,
                agentId,
                List.of(new TunnelRequest(TunnelKind.TLS, name, 0, false, "127.0.0.1:" + service.actualPort())));
        agent.serving((stream, open) -> {
            stream.pause();
            local.createNetClient().connect(service.actualPort(), "127.0.0.1").onComplete(connected -> {
                if (connected.failed()) {
                    stream.reset(
                            dev.porthole.protocol.message.ResetCode.UPSTREAM_REFUSED,
                            connected.cause().getMessage());
                    return;
                }
                connected.result().pause();
                Splice.join(new StreamEnd(stream), HalfCloseSocket.wrap(connected.result()));
            });
        });
        return agent;
    }

    @Test
    void routesEachServerNameToItsTunnelWithoutOpeningTheConnection() throws Exception {
        TestAgent app = agentFor("agent-app", "app", appService);
        TunnelResult granted = app.awaitWelcome().tunnels().getFirst();
        assertThat(granted.granted()).as(granted.message()).isTrue();
        assertThat(granted.kind()).isEqualTo(TunnelKind.TLS);
        assertThat(granted.publicAddress()).startsWith("tls://app.porthole.test");
        assertThat(app.awaitWelcome().capabilities()).contains("tls");
        TestAgent other = agentFor("agent-other", "other", otherService);
        assertThat(other.awaitWelcome().tunnels().getFirst().granted()).isTrue();
        assertThat(redis.exists(List.of("porthole:route:tls:{app}"))
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(5, TimeUnit.SECONDS)
                        .toInteger())
                .isEqualTo(1);

        try (SSLSocket socket = tlsSocket("app.porthole.test")) {
            socket.startHandshake();
            X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            assertThat(served.getSubjectX500Principal().getName()).isEqualTo("CN=app.porthole.test");
            assertThat(exchange(socket, "hello")).isEqualTo("app: hello");
        }
        try (SSLSocket socket = tlsSocket("other.porthole.test")) {
            socket.startHandshake();
            X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            assertThat(served.getSubjectX500Principal().getName()).isEqualTo("CN=other.porthole.test");
            assertThat(exchange(socket, "there")).isEqualTo("other: there");
        }
        assertThat(app.opened).singleElement().satisfies(open -> {
            assertThat(open.tunnel()).isEqualTo("app");
            assertThat(open.request()).isNull();
        });
        app.close();
        other.close();
    }

    @Test
    void refusesATlsTunnelWithoutAName() {
        TestAgent agent = TestAgent.connect(
                vertx,
                GatewayPortResource.port(),
                TOKEN,
                "agent-nameless",
                List.of(new TunnelRequest(TunnelKind.TLS, "", 0, false, "127.0.0.1:8443")));
        TunnelResult refused = agent.awaitWelcome().tunnels().getFirst();
        assertThat(refused.status()).isEqualTo(TunnelResult.INVALID);
        assertThat(refused.message()).contains("needs a name").contains("--subdomain");
        agent.close();
    }

    @Test
    void closesAConnectionWhoseClientHelloNamesNoServer() throws Exception {
        double before = count("no-sni");
        // The JDK sends no SNI for an IP address.
        try (SSLSocket socket = tlsSocket(null)) {
            assertThat(handshakeFails(socket)).isTrue();
        }
        try (Socket plain = new Socket("127.0.0.1", listener.actualPort())) {
            plain.setSoTimeout(5_000);
            plain.getOutputStream()
                    .write("GET / HTTP/1.1\r\nHost: app.porthole.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(plain.getInputStream().read())
                    .as("closed without an answer")
                    .isEqualTo(-1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> count("no-sni") >= before + 2);
    }

    @Test
    void closesAConnectionForANameNobodyServes() throws Exception {
        double before = count("unknown-name");
        try (SSLSocket socket = tlsSocket("nobody.porthole.test")) {
            assertThat(handshakeFails(socket)).isTrue();
        }
        try (SSLSocket socket = tlsSocket("app.example.com")) {
            assertThat(handshakeFails(socket)).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> count("unknown-name") >= before + 2);
    }

    @Test
    void closesAClientHelloLargerThanTheBound() throws Exception {
        double before = count("too-large");
        try (Socket socket = new Socket("127.0.0.1", listener.actualPort())) {
            socket.setSoTimeout(5_000);
            // A handshake record that announces a ClientHello of 64 KiB (the bound here is 4 KiB).
            byte[] record = new byte[5 + 260];
            record[0] = 0x16;
            record[1] = 0x03;
            record[2] = 0x01;
            record[3] = 0x01;
            record[4] = 0x04;
            record[5] = 0x01;
            record[6] = 0x01;
            record[7] = 0x00;
            record[8] = 0x00;
            socket.getOutputStream().write(record);
            assertThat(readToEnd(socket.getInputStream())).isEqualTo(-1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> count("too-large") >= before + 1);
    }

    @Test
    void closesAConnectionWhoseClientHelloIsTooSlow() throws Exception {
        double before = count("timeout");
        try (Socket socket = new Socket("127.0.0.1", listener.actualPort())) {
            socket.setSoTimeout(5_000);
            long start = System.nanoTime();
            // The first bytes of a record header, then nothing.
            socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01});
            assertThat(readToEnd(socket.getInputStream())).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isBetween(Duration.ofMillis(900), Duration.ofSeconds(4));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> count("timeout") >= before + 1);
    }

    private double count(String outcome) {
        return Counters.count(registry, "porthole.gateway.tls.passthrough.connections", "outcome", outcome);
    }

    /** A TLS socket to the passthrough listener that trusts the local services' CA, with {@code serverName} as SNI (none if null). */
    private SSLSocket tlsSocket(String serverName) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream pem = Files.newInputStream(ca.caFile())) {
            trusted.setCertificateEntry(
                    "ca", CertificateFactory.getInstance("X.509").generateCertificate(pem));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", listener.actualPort());
        socket.setSoTimeout(5_000);
        if (serverName != null) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
            socket.setSSLParameters(parameters);
        }
        return socket;
    }

    private static boolean handshakeFails(SSLSocket socket) {
        try {
            socket.startHandshake();
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static String exchange(SSLSocket socket, String line) throws IOException {
        socket.getOutputStream().write(line.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        byte[] answer = new byte[256];
        int read = socket.getInputStream().read(answer);
        return new String(answer, 0, read, StandardCharsets.UTF_8);
    }

    /** Reads until the end; -1 when the gateway closed the connection (a reset counts the same). */
    private static int readToEnd(InputStream in) throws IOException {
        try {
            while (in.read() >= 0) {
                // The gateway answers nothing before it closes.
            }
            return -1;
        } catch (java.net.SocketException reset) {
            return -1;
        }
    }
}
