package dev.porthole.gateway.tls.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.PebbleResource;
import dev.porthole.testing.RedisTestResource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
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
        reserve("first");
        assertThatThrownBy(() ->
                        handshake("first.porthole.test", PebbleResource.pebble().caFile()))
                .as("no certificate yet and no fallback file: the handshake fails")
                .isInstanceOf(IOException.class);

        X509Certificate leaf = served("first.porthole.test");

        assertThat(leaf.getSubjectAlternativeNames().stream()
                        .map(name -> String.valueOf(name.get(1)))
                        .toList())
                .containsExactly("first.porthole.test");
        assertThat(orders("issued")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void neverOrdersACertificateForANameNobodyClaimed() {
        double notClaimed = orders("not-claimed");
        double issued = orders("issued");
        double failed = orders("failed");
        assertThatThrownBy(() -> handshake("stranger.porthole.test", pebbleRoot()))
                .isInstanceOf(IOException.class);
        await().atMost(ISSUANCE).until(() -> orders("not-claimed") > notClaimed);
        assertThatThrownBy(() -> handshake("stranger.porthole.test", pebbleRoot()))
                .isInstanceOf(IOException.class);

        assertThat(orders("issued")).isEqualTo(issued);
        assertThat(orders("failed")).isEqualTo(failed);
        assertThat(get("porthole:acme:cert:stranger.porthole.test")).isNull();
        assertThat(get("porthole:acme:lock:stranger.porthole.test")).isNull();
    }

    @Test
    void reportsWhatTheCaSaidWhenItRefusesAName() {
        reserve("blocked");
        assertThatThrownBy(() -> handshake(PebbleResource.BLOCKED, pebbleRoot()))
                .isInstanceOf(IOException.class);
        await().atMost(ISSUANCE)
                .until(() -> events().contains("cert.renewal-failed") && events().contains(PebbleResource.BLOCKED));
        assertThat(events()).contains("the ACME CA did not issue a certificate for blocked.porthole.test");
        assertThat(get("porthole:acme:cert:" + PebbleResource.BLOCKED)).isNull();
    }

    @Test
    void revokesAndReplacesACertificate() throws Exception {
        reserve("replaced");
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
        reserve("sealed");
        served("sealed.porthole.test");

        String certificate = get("porthole:acme:cert:sealed.porthole.test");
        String account = get("porthole:acme:account");
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

    private void reserve(String name) {
        redis.set(List.of("porthole:reservation:{" + name + "}", "client-acme"))
                .toCompletionStage()
                .toCompletableFuture()
                .join();
    }

    private String get(String key) {
        Response value =
                redis.get(key).toCompletionStage().toCompletableFuture().join();
        return value == null ? null : value.toString();
    }

    private String events() {
        return redis.xrange(List.of("porthole:events", "-", "+"))
                .toCompletionStage()
                .toCompletableFuture()
                .join()
                .toString();
    }

    private double orders(String outcome) {
        Counter counter = registry.find("porthole.gateway.acme.orders")
                .tag("outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }
}
