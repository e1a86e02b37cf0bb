package dev.porthole.gateway.tls.acme;

import static dev.porthole.gateway.tls.acme.AcmeGatewayState.orders;
import static dev.porthole.gateway.tls.acme.AcmeGatewayState.stored;
import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.PebbleResource;
import dev.porthole.testing.RedisTestResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.dns.DnsException;
import io.vertx.core.dns.DnsResponseCode;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * With a DNS-01 solver, a real Pebble CA issues one certificate for {@code *.porthole.test} and
 * {@code porthole.test} (its TXT records set in Pebble's challtestsrv); it is stored sealed in Redis
 * and served for a name nobody ordered anything for.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
@WithTestResource(value = PebbleResource.class, initArgs = @ResourceArg(name = "dns01", value = "true"))
class AcmeWildcardTest {

    private static final String STORED = "porthole:acme:cert:*.porthole.test";

    @Inject
    RedisAPI redis;

    @Inject
    MeterRegistry registry;

    @Inject
    Vertx vertx;

    @Test
    void ordersOneWildcardCertificateOverDns01AndServesItToANewNameWithoutAnotherOrder() throws Exception {
        X509Certificate apex = PebbleResource.awaitServed("porthole.test");
        assertThat(names(apex)).containsExactlyInAnyOrder("*.porthole.test", "porthole.test");
        double issued = orders(registry, "issued");
        assertThat(issued).isEqualTo(1);
        Path root = PebbleResource.pebble().issuingRoot();

        X509Certificate fresh = PebbleResource.handshake("brand-new.porthole.test", root);
        X509Certificate another = PebbleResource.handshake("another-new.porthole.test", root);

        assertThat(fresh.getSerialNumber()).isEqualTo(apex.getSerialNumber());
        assertThat(another.getSerialNumber()).isEqualTo(apex.getSerialNumber());
        assertThat(orders(registry, "issued")).as("no order for a new name").isEqualTo(issued);
        assertThat(orders(registry, "not-claimed"))
                .as("a new name is not even looked up")
                .isZero();
        assertThat(stored(redis, "porthole:acme:cert:brand-new.porthole.test")).isNull();
        assertThat(stored(redis, "porthole:acme:lock:brand-new.porthole.test")).isNull();
    }

    @Test
    void leavesNoDns01AnswerInTheDnsOnceIssued() throws Exception {
        PebbleResource.awaitServed("porthole.test");

        List<String> left = vertx.createDnsClient(PebbleResource.pebble().dnsPort(), "127.0.0.1")
                .resolveTXT("_acme-challenge.porthole.test")
                .recover(e -> e instanceof DnsException dns && dns.code() == DnsResponseCode.NXDOMAIN
                        ? Future.succeededFuture(List.of())
                        : Future.failedFuture(e))
                .toCompletionStage()
                .toCompletableFuture()
                .join();
        assertThat(left).as("TXT records at _acme-challenge.porthole.test").isEmpty();
    }

    @Test
    void keepsTheWildcardCertificateInRedisSealed() throws Exception {
        PebbleResource.awaitServed("sealed.porthole.test");

        String stored = stored(redis, STORED);
        assertThat(stored).isNotNull().doesNotContain("PRIVATE KEY").doesNotContain("BEGIN");
        assertThat(SealedValues.of(PebbleResource.encryptionKey()).open(STORED, stored))
                .contains("PRIVATE KEY")
                .contains("BEGIN CERTIFICATE");
    }

    private static List<String> names(X509Certificate leaf) throws Exception {
        return leaf.getSubjectAlternativeNames().stream()
                .map(name -> String.valueOf(name.get(1)))
                .toList();
    }
}
