package dev.porthole.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.testing.TestCertificates;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which names a certificate covers, the certificate served without SNI (TlsTerminationTest covers SNI), and swaps between handshakes. */
class SniKeyManagerTest {

    @TempDir
    static Path folder;

    private static Vertx vertx;
    private static ServedCertificate example;
    private static ServedCertificate other;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        TestCertificates ca = TestCertificates.newCa(folder.resolve("ca"), "SNI Test CA");
        example = load(ca.leaf("*.example.test", "example.test"));
        other = load(ca.leaf("*.other.test"));
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    private static ServedCertificate load(TestCertificates.Leaf leaf) throws CertificateProblems {
        return new PemCertificateFiles(vertx, List.of(leaf.cert()), List.of(leaf.key()), Clock.systemUTC())
                .load()
                .certificates()
                .getFirst();
    }

    @Test
    void aWildcardCoversExactlyOneLabel() {
        assertThat(example.covers("app.example.test")).isTrue();
        assertThat(example.covers("APP.Example.Test")).isTrue();
        assertThat(example.covers("example.test"))
                .as("the apex, named on its own")
                .isTrue();
        assertThat(example.covers("a.b.example.test")).isFalse();
        assertThat(example.covers("example.test.evil")).isFalse();
        assertThat(other.covers("other.test")).as("no apex in that certificate").isFalse();
    }

    @Test
    void withoutAServerNameTheFirstIsServedAndEveryAliasResolves() {
        SniKeyManager keys = new SniKeyManager(new ServedCertificates(List.of(example, other)));
        assertThat(keys.getPrivateKey(keys.chooseEngineServerAlias("EC", null, null)))
                .isEqualTo(example.key());
        String[] aliases = keys.getServerAliases("EC", null);
        assertThat(aliases).hasSize(2);
        assertThat(keys.getCertificateChain(aliases[1])[0])
                .isEqualTo(other.chain().getFirst());
        assertThat(keys.getServerAliases("RSA", null)).as("no RSA key served").isNull();
    }

    @Test
    void anAliasChosenBeforeASwapStillResolves() {
        SniKeyManager keys = new SniKeyManager(new ServedCertificates(List.of(example)));
        String before = keys.chooseEngineServerAlias("EC", null, null);
        keys.serve(new ServedCertificates(List.of(other)));
        assertThat(keys.getPrivateKey(before)).isEqualTo(example.key());
        assertThat(keys.getPrivateKey(keys.chooseEngineServerAlias("EC", null, null)))
                .isEqualTo(other.key());
    }
}
