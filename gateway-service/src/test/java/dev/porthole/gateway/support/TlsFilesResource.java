package dev.porthole.gateway.support;

import dev.porthole.testing.FreePorts;
import dev.porthole.testing.TestCertificates;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * TLS on the gateway's public port with certificates from a test CA: {@code *.porthole.test} plus
 * the apex in one pair, {@code *.other.test} in a second; files looked at every 100 ms; HSTS on; a
 * plain-HTTP redirect port.
 */
public final class TlsFilesResource implements QuarkusTestResourceLifecycleManager {

    private static volatile TestCertificates ca;
    private static volatile Path folder;
    private static volatile int redirectPort;

    public static TestCertificates ca() {
        return ca;
    }

    /** The served certificate file of pair {@code index} (0: porthole.test, 1: other.test). */
    public static Path certFile(int index) {
        return folder.resolve("served-" + index + ".pem");
    }

    public static Path keyFile(int index) {
        return folder.resolve("served-" + index + ".key");
    }

    public static int redirectPort() {
        return redirectPort;
    }

    @Override
    public Map<String, String> start() {
        try {
            folder = Files.createTempDirectory("porthole-tls");
            ca = TestCertificates.newCa(folder.resolve("ca"), "Porthole Test CA");
            ca.leaf("*.porthole.test", "porthole.test").installAs(certFile(0), keyFile(0));
            ca.leaf("*.other.test", "other.test").installAs(certFile(1), keyFile(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        redirectPort = FreePorts.loopback();
        return Map.of(
                "porthole.gateway.tls.cert-files",
                certFile(0) + "," + certFile(1),
                "porthole.gateway.tls.key-files",
                keyFile(0) + "," + keyFile(1),
                "porthole.gateway.tls.reload-check-interval",
                "100ms",
                "porthole.gateway.tls.hsts-max-age",
                "365d",
                "porthole.gateway.tls.redirect-port",
                String.valueOf(redirectPort));
    }

    @Override
    public void stop() {}
}
