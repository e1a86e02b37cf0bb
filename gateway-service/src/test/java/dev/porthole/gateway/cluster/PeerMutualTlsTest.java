package dev.porthole.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.ingress.ErrorPages;
import dev.porthole.gateway.registry.Route;
import dev.porthole.gateway.support.Counters;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.PeerMtlsResource;
import dev.porthole.gateway.support.Visitor;
import dev.porthole.testing.RedisTestResource;
import dev.porthole.testing.TestCertificates;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

/**
 * Mutual TLS between the gateways of a cluster ({@code cluster.mtls}): the peer listener completes
 * no request for a peer without a client certificate from the cluster's CA (counted), still wants the
 * cluster token from one with it, and this gateway's own forwarding crosses the hop with its certificate.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
@WithTestResource(PeerMtlsResource.class)
class PeerMutualTlsTest {

    private static final String REQUEST = "GET / HTTP/1.1\r\nHost: porthole.test\r\n%sConnection: close\r\n\r\n";

    @Inject
    Vertx vertx;

    @Inject
    RedisAPI redis;

    @Inject
    MeterRegistry registry;

    @Test
    void refusesAPeerThatPresentsNoClientCertificate() throws Exception {
        double before = refusedHandshakes();

        assertThat(exchange(null, true))
                .as("what a peer without a client certificate gets")
                .isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> refusedHandshakes() > before);
    }

    @Test
    void refusesAPeerWhoseCertificateAnotherCaSigned() throws Exception {
        double before = refusedHandshakes();

        assertThat(exchange(PeerMtlsResource.stranger(), true))
                .as("what a peer with a stranger's certificate gets")
                .isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> refusedHandshakes() > before);
    }

    @Test
    void servesAPeerWithAClusterCertificateOnlyWithTheClusterToken() throws Exception {
        assertThat(exchange(PeerMtlsResource.peer(), false))
                .startsWith("HTTP/1.1 403")
                .contains("forward-refused");
        assertThat(exchange(PeerMtlsResource.peer(), true))
                .startsWith("HTTP/1.1 ")
                .doesNotContain("forward-refused");
    }

    @Test
    void forwardsToAnotherGatewayOverMutualTls() throws Exception {
        // The tunnel is held by "gw-b", published at this gateway's own peer listener: the forward crosses the mTLS hop
        // and is
        // answered by the receiving side (a request is forwarded at most once), not by the sending side's
        // "gateway-unreachable".
        redis.set(List.of(
                        "porthole:route:http:{far}",
                        new Route("gw-b", "s-far", "client-1", "agent-1").toJson(),
                        "PX",
                        "60000"))
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        redis.set(List.of("porthole:gateway:gw-b", "127.0.0.1:" + PeerMtlsResource.peerPort(), "PX", "60000"))
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        double refusedBefore = refusedHandshakes();

        Visitor.Reply reply = new Visitor(vertx, GatewayPortResource.port()).get("far.porthole.test", "/");

        assertThat(reply.header(ErrorPages.ERROR_HEADER)).isEqualTo("forward-hop-limit");
        assertThat(refusedHandshakes())
                .as("this gateway's own certificate is accepted")
                .isEqualTo(refusedBefore);
    }

    /**
     * Sends one request to the peer port over TLS with {@code certificate} (none: null) and returns the response head, or what
     * came back before the connection closed: empty when the gateway refused the handshake (at connect or, with TLS 1.3, at
     * the first read).
     */
    private String exchange(TestCertificates.Leaf certificate, boolean token) throws Exception {
        NetClientOptions options = new NetClientOptions()
                .setSsl(true)
                .setHostnameVerificationAlgorithm("")
                .setTrustOptions(new PemTrustOptions()
                        .addCertPath(PeerMtlsResource.caFile().toString()))
                .setConnectTimeout(2000);
        if (certificate != null) {
            options.setKeyCertOptions(new PemKeyCertOptions()
                    .setCertPath(certificate.cert().toString())
                    .setKeyPath(certificate.key().toString()));
        }
        NetClient client = vertx.createNetClient(options);
        Promise<String> received = Promise.promise();
        try {
            client.connect(PeerMtlsResource.peerPort(), "127.0.0.1")
                    .onFailure(failure ->
                            received.tryComplete(refusedInHandshake(failure) ? "" : "connect failed: " + failure))
                    .onSuccess(socket -> {
                        Buffer answer = Buffer.buffer();
                        socket.handler(chunk -> {
                            answer.appendBuffer(chunk);
                            if (answer.toString().contains("\r\n\r\n")) {
                                received.tryComplete(answer.toString());
                            }
                        });
                        socket.exceptionHandler(failure -> received.tryComplete(answer.toString()));
                        socket.closeHandler(closed -> received.tryComplete(answer.toString()));
                        socket.write(REQUEST.formatted(
                                token
                                        ? ClusterMembership.TOKEN_HEADER + ": " + PeerMtlsResource.INTERNAL_TOKEN
                                                + "\r\n"
                                        : ""));
                    });
            return received.future().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } finally {
            client.close();
        }
    }

    private static boolean refusedInHandshake(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    private double refusedHandshakes() {
        return Counters.count(registry, "porthole.gateway.cluster.forwards", "outcome", "refused-handshake");
    }
}
