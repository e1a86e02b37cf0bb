package dev.porthole.gateway.tls.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.PebbleResource;
import dev.porthole.testing.RedisTestResource;
import dev.porthole.testing.TlsProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** With ACME and no certificate files, the domain itself (where agents connect with wss://) gets a certificate too. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
@WithTestResource(PebbleResource.class)
class AcmeApexTest {

    @Test
    void issuesACertificateForTheDomainItselfWhereAgentsConnect() throws Exception {
        Path root = PebbleResource.pebble().issuingRoot();
        X509Certificate leaf = await().atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(
                        () -> TlsProbe.handshake(GatewayPortResource.port(), "porthole.test", root, "http/1.1")
                                .leaf(),
                        served -> served != null);

        assertThat(leaf.getSubjectAlternativeNames().stream()
                        .map(name -> String.valueOf(name.get(1)))
                        .toList())
                .containsExactly("porthole.test");
    }
}
