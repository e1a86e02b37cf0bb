package dev.porthole.gateway.tls.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.PebbleResource;
import dev.porthole.testing.RedisTestResource;
import dev.porthole.testing.TlsProbe;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Certificates that live 15 seconds (Pebble's validity period), looked at every half second: renewed
 * at two thirds of their lifetime; with the CA down the renewal fails, is reported, and the old
 * certificate goes on being served.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
@WithTestResource(
        value = PebbleResource.class,
        initArgs = {
            @ResourceArg(name = "validity", value = "15s"),
            @ResourceArg(name = "renew-check-interval", value = "500ms")
        })
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AcmeRenewalTest {

    private static final Duration LIFETIME = Duration.ofSeconds(15);

    @Inject
    RedisAPI redis;

    @Inject
    MeterRegistry registry;

    @Inject
    OnDemandCertificates certificates;

    @Test
    @Order(1)
    void renewsAtTwoThirdsOfTheLifetime() throws Exception {
        reserve("renewed");
        Path root = PebbleResource.pebble().issuingRoot();
        X509Certificate first = served("renewed.porthole.test", root);
        Gauge expiry = registry.find("porthole.gateway.acme.certificate.expiry.seconds")
                .gauge();
        assertThat(expiry.value()).isBetween(0.0, (double) LIFETIME.toSeconds());

        X509Certificate renewed = await().atMost(LIFETIME)
                .until(
                        () -> handshake("renewed.porthole.test", root),
                        leaf -> !leaf.getSerialNumber().equals(first.getSerialNumber()));

        assertThat(renewed.getNotAfter()).isAfter(first.getNotAfter());
        Duration renewedAfter = Duration.between(
                first.getNotBefore().toInstant(), renewed.getNotBefore().toInstant());
        assertThat(renewedAfter)
                .as("renewed at two thirds of the lifetime, not before")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(9));
    }

    @Test
    @Order(2)
    void doesNotRenewTheCertificateOfANameNobodyHoldsAnyMore() throws Exception {
        reserve("gone");
        served("gone.porthole.test", PebbleResource.pebble().issuingRoot());
        redis.del(List.of("porthole:reservation:{gone}"))
                .toCompletionStage()
                .toCompletableFuture()
                .join();

        await().atMost(LIFETIME)
                .until(() -> certificates.served("gone.porthole.test").isEmpty());
        assertThat(redis.get("porthole:acme:cert:gone.porthole.test")
                        .toCompletionStage()
                        .toCompletableFuture()
                        .join()
                        .toString())
                .as("kept in Redis: it is still valid, and served to whoever asks for the name until it expires")
                .isNotEmpty();
    }

    @Test
    @Order(3)
    void keepsServingTheOldCertificateWhileTheCaIsDown() throws Exception {
        reserve("down");
        Path root = PebbleResource.pebble().issuingRoot();
        X509Certificate served = served("down.porthole.test", root);
        PebbleResource.pebble().stop();
        try {
            await().atMost(LIFETIME)
                    .until(() -> events().contains("cert.renewal-failed") && events().contains("down.porthole.test"));
            assertThat(events()).contains(served.getNotAfter().toInstant().toString());
            assertThat(handshake("down.porthole.test", root).getSerialNumber()).isEqualTo(served.getSerialNumber());
        } finally {
            PebbleResource.pebble().start();
        }
    }

    private static X509Certificate served(String host, Path root) {
        return await().atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(() -> handshake(host, root), leaf -> leaf != null);
    }

    private static X509Certificate handshake(String host, Path root) throws IOException {
        return TlsProbe.handshake(GatewayPortResource.port(), host, root, "http/1.1")
                .leaf();
    }

    private void reserve(String name) {
        redis.set(List.of("porthole:reservation:{" + name + "}", "client-acme"))
                .toCompletionStage()
                .toCompletableFuture()
                .join();
    }

    private String events() {
        return redis.xrange(List.of("porthole:events", "-", "+"))
                .toCompletionStage()
                .toCompletableFuture()
                .join()
                .toString();
    }
}
