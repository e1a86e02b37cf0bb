package dev.porthole.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.porthole.testing.TestCertificates;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificate files are checked before they are served, and every bad one is named with what is wrong. */
class PemCertificateFilesTest {

    private static Vertx vertx;
    private static TestCertificates ca;

    @TempDir
    static Path folder;

    @BeforeAll
    static void start() throws IOException {
        vertx = Vertx.vertx();
        ca = TestCertificates.newCa(folder.resolve("ca"), "Files Test CA");
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    private static PemCertificateFiles files(Clock clock, Path... pairs) {
        List<Path> certs = new java.util.ArrayList<>();
        List<Path> keys = new java.util.ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            certs.add(pairs[i]);
            keys.add(pairs[i + 1]);
        }
        return new PemCertificateFiles(vertx, certs, keys, clock);
    }

    @Test
    void loadsAWildcardPlusApexCertificateWithItsNames() throws Exception {
        TestCertificates.Leaf leaf = ca.leaf("*.example.test", "example.test");
        ServedCertificates served =
                files(Clock.systemUTC(), leaf.cert(), leaf.key()).load();
        assertThat(served.certificates()).singleElement().satisfies(certificate -> {
            assertThat(certificate.names()).containsExactly("*.example.test", "example.test");
            assertThat(certificate.serial()).isEqualTo(leaf.serial());
        });
    }

    @Test
    void refusesAnExpiredCertificateNamingTheFile() throws Exception {
        TestCertificates.Leaf leaf = ca.expiredLeaf("*.example.test");
        CertificateProblems problems = catchThrowableOfType(
                CertificateProblems.class,
                () -> files(Clock.systemUTC(), leaf.cert(), leaf.key()).load());
        assertThat(problems.problems())
                .singleElement()
                .asString()
                .startsWith(leaf.cert() + ": the certificate for *.example.test expired at");
    }

    @Test
    void refusesACertificateThatExpiresWhileTheClockMovesOn() throws Exception {
        TestCertificates.Leaf leaf = ca.leaf("*.example.test");
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(31)), ZoneOffset.UTC);
        assertThat(catchThrowableOfType(
                                CertificateProblems.class,
                                () -> files(later, leaf.cert(), leaf.key()).load())
                        .getMessage())
                .contains("expired at");
    }

    @Test
    void refusesAKeyThatDoesNotBelongToTheCertificate() throws Exception {
        TestCertificates.Leaf leaf = ca.leaf("*.example.test");
        Path stray = ca.strayKey();
        CertificateProblems problems = catchThrowableOfType(
                CertificateProblems.class,
                () -> files(Clock.systemUTC(), leaf.cert(), stray).load());
        assertThat(problems.problems())
                .singleElement()
                .asString()
                .isEqualTo(stray + ": the private key does not belong to the certificate in " + leaf.cert()
                        + " (*.example.test); give the key that was made with this certificate");
    }

    @Test
    void refusesAMissingKeyFileAndAFileWithoutACertificate() throws Exception {
        TestCertificates.Leaf leaf = ca.leaf("*.example.test");
        Path missing = folder.resolve("missing.key");
        Path notPem = Files.writeString(folder.resolve("not-a-cert.pem"), "hello\n");
        CertificateProblems problems = catchThrowableOfType(
                CertificateProblems.class,
                () -> files(Clock.systemUTC(), leaf.cert(), missing, notPem, leaf.key())
                        .load());
        assertThat(problems.problems())
                .containsExactly(
                        missing + ": the private key file does not exist",
                        notPem + ": holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }

    @Test
    void refusesAKeyFileThatHoldsNoKey() throws Exception {
        TestCertificates.Leaf leaf = ca.leaf("*.example.test");
        CertificateProblems problems = catchThrowableOfType(
                CertificateProblems.class,
                () -> files(Clock.systemUTC(), leaf.cert(), leaf.cert()).load());
        assertThat(problems.problems()).singleElement().asString().startsWith(leaf.cert() + ": not a PEM private key");
    }

    @Test
    void itsVersionChangesWhenAFileIsReplaced() throws Exception {
        TestCertificates.Leaf leaf = ca.leaf("*.example.test");
        Path cert = folder.resolve("served.pem");
        Path key = folder.resolve("served.key");
        leaf.installAs(cert, key);
        PemCertificateFiles files = files(Clock.systemUTC(), cert, key);
        String before = files.version();
        assertThat(files.version()).isEqualTo(before);
        ca.leaf("*.example.test").installAs(cert, key);
        assertThat(files.version()).isNotEqualTo(before);
    }
}
