package dev.porthole.auth.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.testing.FreePorts;
import dev.porthole.testing.RedisTestResource;
import dev.porthole.testing.TestCertificates;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Internal endpoints with {@code porthole.internal.require-client-certificate}: auth-service serves
 * https asking for client certificates (Quarkus's TLS registry, PEM files), and a gateway gets
 * through only with the service token and a certificate from the internal CA.
 */
@QuarkusTest
@TestProfile(InternalMutualTlsTest.ClientCertificatesRequired.class)
@WithTestResource(RedisTestResource.class)
class InternalMutualTlsTest {

    private static final String STATIC_TOKEN = "static-agent-token-0123456789";
    private static final String INTERNAL_TOKEN = "test-internal-token-0123456789";
    private static final Certificates CERTIFICATES = Certificates.of();

    /**
     * Certificates for the whole class: the internal CA, auth-service's and a gateway's certificates, and a
     * stranger's. Made once per JVM: the test profile and the test may live in different class
     * loaders, so the folder is found again through a system property.
     */
    record Certificates(
            Path internalCa,
            TestCertificates.Leaf server,
            TestCertificates.Leaf gateway,
            TestCertificates.Leaf stranger) {
        private static final String FOLDER = "porthole.test.internal-mtls";

        static synchronized Certificates of() {
            try {
                String made = System.getProperty(FOLDER);
                if (made == null) {
                    Path dir = Files.createTempDirectory("porthole-internal-mtls");
                    TestCertificates ca = TestCertificates.newCa(dir.resolve("internal"), "Porthole Internal CA");
                    ca.clientAndServerLeaf("localhost");
                    ca.clientAndServerLeaf("gateway-1");
                    TestCertificates.newCa(dir.resolve("other"), "Someone Else's CA")
                            .clientAndServerLeaf("gateway-1");
                    System.setProperty(FOLDER, dir.toString());
                    made = dir.toString();
                }
                Path dir = Path.of(made);
                return new Certificates(
                        dir.resolve("internal/ca.pem"),
                        leaf(dir.resolve("internal"), 1),
                        leaf(dir.resolve("internal"), 2),
                        leaf(dir.resolve("other"), 1));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static TestCertificates.Leaf leaf(Path dir, int n) {
            return new TestCertificates.Leaf(
                    dir.resolve("leaf-" + n + ".pem"), dir.resolve("leaf-" + n + ".key"), null);
        }
    }

    /** https on its own port, client certificates asked for and checked against the internal CA. */
    public static class ClientCertificatesRequired implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.http.test-ssl-port", String.valueOf(FreePorts.loopback()),
                    "quarkus.management.test-port", String.valueOf(FreePorts.loopback()),
                    "quarkus.tls.key-store.pem.0.cert",
                            CERTIFICATES.server().cert().toString(),
                    "quarkus.tls.key-store.pem.0.key",
                            CERTIFICATES.server().key().toString(),
                    "quarkus.tls.trust-store.pem.certs",
                            CERTIFICATES.internalCa().toString(),
                    "quarkus.http.ssl.client-auth", "request",
                    "porthole.internal.require-client-certificate", "true",
                    "porthole.auth.static-tokens", STATIC_TOKEN);
        }
    }

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "quarkus.http.test-ssl-port")
    int httpsPort;

    @ConfigProperty(name = "quarkus.http.test-port")
    int httpPort;

    @Test
    void aGatewayWithTheTokenAndACertificateFromTheInternalCaAuthenticatesAgents() throws Exception {
        Answer answer = agentAuth(tls(CERTIFICATES.gateway()), httpsPort);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }

    @Test
    void aCallerWithTheTokenButNoCertificateIsRefusedWithAReason() throws Exception {
        Answer answer = agentAuth(tls(null), httpsPort);

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.body())
                .contains("urn:porthole:problem:client-certificate-required")
                .contains("TLS client certificate");
    }

    @Test
    void aCallerOnThePlainPortIsRefusedEvenWithTheToken() throws Exception {
        Answer answer = agentAuth(new HttpClientOptions(), httpPort);

        assertThat(answer.status()).isEqualTo(403);
    }

    @Test
    void aCertificateFromAnotherCaDoesNotGetThrough() throws Exception {
        Answer answer;
        try {
            answer = agentAuth(tls(CERTIFICATES.stranger()), httpsPort);
        } catch (ExecutionException refusedAtTheHandshake) {
            assertThat(refusedAtTheHandshake).hasRootCauseInstanceOf(SSLException.class);
            return;
        }
        // A client sends no certificate whose issuer the server does not list as acceptable: no certificate, then.
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.body()).contains("urn:porthole:problem:client-certificate-required");
    }

    private static HttpClientOptions tls(TestCertificates.Leaf client) {
        HttpClientOptions options = new HttpClientOptions()
                .setSsl(true)
                .setVerifyHost(true)
                .setTrustOptions(new PemTrustOptions()
                        .addCertPath(CERTIFICATES.internalCa().toString()));
        if (client != null) {
            options.setKeyCertOptions(new PemKeyCertOptions()
                    .setCertPath(client.cert().toString())
                    .setKeyPath(client.key().toString()));
        }
        return options;
    }

    private record Answer(int status, String body) {}

    private Answer agentAuth(HttpClientOptions options, int port) throws Exception {
        var client = vertx.createHttpClient(options);
        try {
            JsonObject credentials = new JsonObject()
                    .put("authorization", "Bearer " + STATIC_TOKEN)
                    .put("agentId", "agent-1")
                    .put("remoteAddress", "10.0.0.1");
            return client.request(new RequestOptions()
                            .setMethod(HttpMethod.POST)
                            .setHost("localhost")
                            .setPort(port)
                            .setURI("/internal/v1/agent-auth")
                            .putHeader("Authorization", "Bearer " + INTERNAL_TOKEN)
                            .putHeader("Content-Type", "application/json"))
                    .compose(request -> request.send(Buffer.buffer(credentials.encode())))
                    .compose(
                            response -> response.body().map(body -> new Answer(response.statusCode(), body.toString())))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(20, TimeUnit.SECONDS);
        } finally {
            client.close();
        }
    }
}
