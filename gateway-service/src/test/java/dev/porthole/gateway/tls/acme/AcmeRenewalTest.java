package dev.porthole.gateway.tls.acme;

import static dev.porthole.gateway.tls.acme.AcmeGatewayState.reserve;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.support.EventStream;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.PebbleResource;
import dev.porthole.testing.RedisTestResource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
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
        reserve(redis, "renewed");
        Path root = PebbleResource.pebble().issuingRoot();
        X509Certificate first = served("renewed.porthole.test", root);
        Gauge expiry = registry.find("porthole.gateway.acme.certificate.expiry.seconds")
                .gauge();
        assertThat(expiry.value()).isBetween(0.0, (double) LIFETIME.toSeconds());

        X509Certificate renewed = await().atMost(LIFETIME)
                .until(
                        () -> PebbleResource.handshake("renewed.porthole.test", root),
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
        reserve(redis, "gone");
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
        reserve(redis, "down");
        Path root = PebbleResource.pebble().issuingRoot();
        X509Certificate served = served("down.porthole.test", root);
        PebbleResource.pebble().stop();
        try {
            await().atMost(LIFETIME)
                    .until(() -> EventStream.text(redis).contains("cert.renewal-failed")
                            && EventStream.text(redis).contains("down.porthole.test"));
            assertThat(EventStream.text(redis))
                    .contains(served.getNotAfter().toInstant().toString());
            assertThat(PebbleResource.handshake("down.porthole.test", root).getSerialNumber())
                    .isEqualTo(served.getSerialNumber());
        } finally {
            PebbleResource.pebble().start();
        }
    }

    private static X509Certificate served(String host, Path root) {
        return await().atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(() -> PebbleResource.handshake(host, root), leaf -> leaf != null);
    }
}
