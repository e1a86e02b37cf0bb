package dev.porthole.gateway.tls.acme;

import static dev.porthole.gateway.tls.acme.AcmeGatewayState.orders;
import static dev.porthole.gateway.tls.acme.AcmeGatewayState.reserve;
import static dev.porthole.gateway.tls.acme.AcmeGatewayState.stored;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.support.EventStream;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.PebbleResource;
import dev.porthole.testing.RedisTestResource;
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
import org.junit.jupiter.api.Test;

/**
 * On-demand certificates from a real Pebble CA: a reserved name gets one within seconds and the
 * gateway serves it under Pebble's root; a name nobody claimed never reaches the CA; the CA's refusal
 * is reported; a certificate is revoked and replaced; what Redis holds is encrypted.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
@WithTestResource(
        value = PebbleResource.class,
        initArgs = @ResourceArg(name = "blocked", value = PebbleResource.BLOCKED))
class AcmeOnDemandTest {

    private static final Duration ISSUANCE = Duration.ofSeconds(20);

    @Inject
    RedisAPI redis;

    @Inject
    MeterRegistry registry;

    @Inject
    OnDemandCertificates certificates;

    @Test
    void issuesACertificateForAReservedNameWithinSecondsAndServesIt() throws Exception {
        reserve(redis, "first");
        assertThatThrownBy(() ->
                        handshake("first.porthole.test", PebbleResource.pebble().caFile()))
                .as("no certificate yet and no fallback file: the handshake fails")
                .isInstanceOf(IOException.class);

        X509Certificate leaf = served("first.porthole.test");

        assertThat(leaf.getSubjectAlternativeNames().stream()
                        .map(name -> String.valueOf(name.get(1)))
                        .toList())
                .containsExactly("first.porthole.test");
        assertThat(orders(registry, "issued")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void neverOrdersACertificateForANameNobodyClaimed() {
        double notClaimed = orders(registry, "not-claimed");
        double issued = orders(registry, "issued");
        double failed = orders(registry, "failed");
        assertThatThrownBy(() -> handshake("stranger.porthole.test", pebbleRoot()))
                .isInstanceOf(IOException.class);
        await().atMost(ISSUANCE).until(() -> orders(registry, "not-claimed") > notClaimed);
        assertThatThrownBy(() -> handshake("stranger.porthole.test", pebbleRoot()))
                .isInstanceOf(IOException.class);

        assertThat(orders(registry, "issued")).isEqualTo(issued);
        assertThat(orders(registry, "failed")).isEqualTo(failed);
        assertThat(stored(redis, "porthole:acme:cert:stranger.porthole.test")).isNull();
        assertThat(stored(redis, "porthole:acme:lock:stranger.porthole.test")).isNull();
    }

    @Test
    void reportsWhatTheCaSaidWhenItRefusesAName() {
        reserve(redis, "blocked");
        assertThatThrownBy(() -> handshake(PebbleResource.BLOCKED, pebbleRoot()))
                .isInstanceOf(IOException.class);
        await().atMost(ISSUANCE)
                .until(() -> EventStream.text(redis).contains("cert.renewal-failed")
                        && EventStream.text(redis).contains(PebbleResource.BLOCKED));
        assertThat(EventStream.text(redis))
                .contains("the ACME CA did not issue a certificate for blocked.porthole.test");
        assertThat(stored(redis, "porthole:acme:cert:" + PebbleResource.BLOCKED))
                .isNull();
    }

    @Test
    void revokesAndReplacesACertificate() throws Exception {
        reserve(redis, "replaced");
        X509Certificate first = served("replaced.porthole.test");

        certificates.revokeAndReplace("replaced.porthole.test");

        X509Certificate second = handshake("replaced.porthole.test", pebbleRoot());
        assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
        assertThat(PebbleResource.pebble().certificateStatus(first.getSerialNumber()))
                .isEqualTo("Revoked");
        assertThat(PebbleResource.pebble().certificateStatus(second.getSerialNumber()))
                .isEqualTo("Valid");
    }

    @Test
    void keepsTheAccountKeyAndCertificatesInRedisEncrypted() throws Exception {
        reserve(redis, "sealed");
        served("sealed.porthole.test");

        String certificate = stored(redis, "porthole:acme:cert:sealed.porthole.test");
        String account = stored(redis, "porthole:acme:account");
        assertThat(certificate).doesNotContain("PRIVATE KEY").doesNotContain("BEGIN");
        assertThat(account).doesNotContain("PRIVATE KEY").doesNotContain("BEGIN");

        SealedValues right = SealedValues.of(PebbleResource.encryptionKey());
        assertThat(right.open("porthole:acme:cert:sealed.porthole.test", certificate))
                .contains("PRIVATE KEY")
                .contains("BEGIN CERTIFICATE");
        assertThatThrownBy(() -> right.open("porthole:acme:cert:other.porthole.test", certificate))
                .as("a value copied under another name does not open")
                .hasMessageContaining("does not open");
        SealedValues wrong = SealedValues.of("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        assertThatThrownBy(() -> wrong.open("porthole:acme:account", account))
                .hasMessageContaining("does not open with tls.acme.encryption-key");
    }

    private static X509Certificate served(String host) {
        return PebbleResource.awaitServed(host);
    }

    private static X509Certificate handshake(String host, Path trusted) throws IOException {
        return PebbleResource.handshake(host, trusted);
    }

    private static Path pebbleRoot() {
        return PebbleResource.pebble().issuingRoot();
    }
}
