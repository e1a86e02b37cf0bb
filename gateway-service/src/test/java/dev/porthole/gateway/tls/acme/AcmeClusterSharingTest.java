package dev.porthole.gateway.tls.acme;

import static dev.porthole.gateway.tls.acme.AcmeGatewayState.orders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.registry.RedisKeys;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.PebbleResource;
import dev.porthole.testing.RedisTestResource;
import dev.porthole.testing.TlsProbe;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Two gateways, one certificate: while another gateway holds the name's lock this one orders
 * nothing, and it then serves the certificate the other one stored in Redis. The other gateway is
 * played by the same classes (AcmeStore, AcmeClient) under another instance id, against the same
 * Redis and Pebble; its HTTP-01 answer is served by this gateway's redirect listener, from Redis,
 * as when the CA reaches a different gateway than the one ordering.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
@WithTestResource(PebbleResource.class)
class AcmeClusterSharingTest {

    private static final String HOST = "shared.porthole.test";

    @Inject
    RedisAPI redis;

    @Inject
    RedisKeys keys;

    @Inject
    MeterRegistry registry;

    @Test
    void servesTheCertificateAnotherGatewayObtainedWithoutOrderingItAgain() throws Exception {
        double issuedBefore = orders(registry, "issued");
        double failedBefore = orders(registry, "failed");
        redis.set(List.of(keys.reservation("shared"), "client-acme"))
                .toCompletionStage()
                .toCompletableFuture()
                .join();
        AcmeStore otherGateway =
                new AcmeStore(redis, keys, SealedValues.of(PebbleResource.encryptionKey()), "gateway-b");
        assertThat(otherGateway.lock(HOST, Duration.ofMinutes(1))).isTrue();
        Path root = PebbleResource.pebble().issuingRoot();

        assertThatThrownBy(() -> handshake(root))
                .as("the other gateway is still ordering")
                .isInstanceOf(IOException.class);
        AcmeClient.Issued issued = new AcmeClient(
                        PebbleResource.pebble().directoryUrl(),
                        Optional.of(PebbleResource.pebble().caFile()),
                        Optional.empty(),
                        Duration.ofSeconds(20))
                .order(
                        HOST,
                        otherGateway.account(AcmeClient.ecKeyPair("secp384r1")),
                        new AcmeClient.ChallengeAnswers() {
                            @Override
                            public void put(String token, String keyAuthorization) throws Exception {
                                otherGateway.putChallenge(token, keyAuthorization, Duration.ofMinutes(1));
                            }

                            @Override
                            public void remove(String token) throws Exception {
                                otherGateway.removeChallenge(token);
                            }
                        });
        otherGateway.save(HOST, issued.chain(), issued.key());
        otherGateway.unlock(HOST);

        X509Certificate served = await().atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(() -> handshake(root), leaf -> leaf != null);
        assertThat(served.getSerialNumber()).isEqualTo(issued.chain().getFirst().getSerialNumber());
        assertThat(orders(registry, "issued")).as("this gateway never ordered").isEqualTo(issuedBefore);
        assertThat(orders(registry, "failed")).isEqualTo(failedBefore);
    }

    private static X509Certificate handshake(Path root) throws IOException {
        return TlsProbe.handshake(GatewayPortResource.port(), HOST, root, "http/1.1")
                .leaf();
    }
}
