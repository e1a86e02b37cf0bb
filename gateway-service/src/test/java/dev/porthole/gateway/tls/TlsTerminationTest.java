package dev.porthole.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.support.EventStream;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.TlsFilesResource;
import dev.porthole.testing.RawVisitor;
import dev.porthole.testing.RedisTestResource;
import dev.porthole.testing.TestCertificates;
import dev.porthole.testing.TlsProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * The public port speaks TLS: the certificate the visitor's SNI names, ALPN h2 and http/1.1, HSTS, public
 * URLs in https, certificate files replaced on disk served from the next handshake, bad files
 * refused while the old certificate goes on being served, and plain HTTP redirected with 308.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
@WithTestResource(TlsFilesResource.class)
class TlsTerminationTest {

    private static final Duration RELOAD = Duration.ofSeconds(10);

    @Inject
    RedisAPI redis;

    private static TlsProbe.Handshake handshake(String serverName) throws IOException {
        return TlsProbe.handshake(
                GatewayPortResource.port(), serverName, TlsFilesResource.ca().caFile(), "h2", "http/1.1");
    }

    private static BigInteger servedSerial() throws IOException {
        return handshake("app.porthole.test").leaf().getSerialNumber();
    }

    @Test
    void servesTheCertificateThatTheVisitorsServerNameMatches() throws IOException {
        assertThat(handshake("app.porthole.test")
                        .leaf()
                        .getSubjectX500Principal()
                        .getName())
                .isEqualTo("CN=*.porthole.test");
        assertThat(handshake("porthole.test").leaf().getSubjectX500Principal().getName())
                .isEqualTo("CN=*.porthole.test");
        assertThat(handshake("shop.other.test").leaf().getSubjectX500Principal().getName())
                .isEqualTo("CN=*.other.test");
    }

    @Test
    void negotiatesH2ByAlpnWithAClientThatOffersIt() throws IOException {
        assertThat(handshake("app.porthole.test").applicationProtocol()).isEqualTo("h2");
    }

    @Test
    void negotiatesHttp11ByAlpnWithAClientThatOffersOnlyIt() throws IOException {
        assertThat(TlsProbe.handshake(
                                GatewayPortResource.port(),
                                "app.porthole.test",
                                TlsFilesResource.ca().caFile(),
                                "http/1.1")
                        .applicationProtocol())
                .isEqualTo("http/1.1");
    }

    @Test
    void answersOverTlsWithHstsAndHttpsUrls() throws Exception {
        String answer = get("porthole.test", "/");
        assertThat(answer).startsWith("HTTP/1.1 404");
        assertThat(answer).containsIgnoringCase("strict-transport-security: max-age=31536000\r\n");
        assertThat(answer).contains("https://<name>.porthole.test/");
        assertThat(EventStream.text(redis))
                .contains("gateway.started")
                .contains("https://*.porthole.test:" + GatewayPortResource.port());
    }

    @Test
    void servesReplacedFilesFromTheNextHandshakeWithoutARestart() throws IOException {
        BigInteger before = servedSerial();
        TestCertificates.Leaf next = TlsFilesResource.ca().leaf("*.porthole.test", "porthole.test");
        next.installAs(TlsFilesResource.certFile(0), TlsFilesResource.keyFile(0));
        await().atMost(RELOAD).until(() -> servedSerial().equals(next.serial()));
        assertThat(next.serial()).isNotEqualTo(before);
        await().atMost(RELOAD)
                .until(() -> EventStream.text(redis).contains("tls.certificate-reloaded")
                        && EventStream.text(redis).contains(next.serial().toString(16)));
    }

    @Test
    void keepsServingTheOldCertificateWhenTheNewFilesAreBad() throws IOException {
        BigInteger served = servedSerial();
        TestCertificates ca = TlsFilesResource.ca();

        ca.expiredLeaf("*.porthole.test", "porthole.test")
                .installAs(TlsFilesResource.certFile(0), TlsFilesResource.keyFile(0));
        await().atMost(RELOAD)
                .until(() -> EventStream.text(redis).contains("tls.certificate-rejected")
                        && EventStream.text(redis).contains("expired at"));
        assertThat(servedSerial()).isEqualTo(served);

        TestCertificates.Leaf good = ca.leaf("*.porthole.test", "porthole.test");
        java.nio.file.Files.copy(
                good.cert(), TlsFilesResource.certFile(0), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        java.nio.file.Files.copy(
                ca.strayKey(), TlsFilesResource.keyFile(0), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        await().atMost(RELOAD)
                .until(() -> EventStream.text(redis)
                        .contains("the private key does not belong to the certificate in "
                                + TlsFilesResource.certFile(0)));
        assertThat(servedSerial()).isEqualTo(served);

        java.nio.file.Files.delete(TlsFilesResource.keyFile(0));
        await().atMost(RELOAD)
                .until(() -> EventStream.text(redis)
                        .contains(TlsFilesResource.keyFile(0) + ": the private key file does not exist"));
        assertThat(servedSerial()).isEqualTo(served);

        good.installAs(TlsFilesResource.certFile(0), TlsFilesResource.keyFile(0));
        await().atMost(RELOAD).until(() -> servedSerial().equals(good.serial()));
    }

    @Test
    void redirectsPlainHttpToHttpsWith308() throws IOException {
        RawVisitor.Answer answer = RawVisitor.exchange(
                TlsFilesResource.redirectPort(),
                "POST /form?x=1 HTTP/1.1\r\nHost: app.porthole.test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                Duration.ofSeconds(5));
        assertThat(answer.status()).isEqualTo(308);
        assertThat(answer.text())
                .containsIgnoringCase(
                        "location: https://app.porthole.test:" + GatewayPortResource.port() + "/form?x=1\r\n");

        RawVisitor.Answer elsewhere = RawVisitor.exchange(
                TlsFilesResource.redirectPort(),
                "GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
                Duration.ofSeconds(5));
        assertThat(elsewhere.status())
                .as("no open redirect to hosts the gateway does not serve")
                .isEqualTo(421);

        RawVisitor.Answer challenge = RawVisitor.exchange(
                TlsFilesResource.redirectPort(),
                "GET /.well-known/acme-challenge/abc HTTP/1.1\r\nHost: app.porthole.test\r\nConnection: close\r\n\r\n",
                Duration.ofSeconds(5));
        assertThat(challenge.status())
                .as("ACME challenges are answered, not redirected")
                .isEqualTo(404);
    }

    private static String get(String host, String path) throws IOException, GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, TlsProbe.trusting(TlsFilesResource.ca().caFile()).getTrustManagers(), null);
        try (SSLSocket socket =
                (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", GatewayPortResource.port())) {
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(host)));
            socket.setSSLParameters(parameters);
            socket.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            in.transferTo(received);
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
