package dev.porthole.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private CA and the certificates it signs, made with the machine's {@code openssl} (as an
 * operator would), for tests of the gateway's TLS: leaf certificates for any names (server only, or
 * client and server for mutual TLS), expired ones, and keys that belong to no certificate.
 */
public final class TestCertificates {

    private final Path directory;
    private final Path caCert;
    private final Path caKey;
    private final SecureRandom random = new SecureRandom();
    private int made;

    private TestCertificates(Path directory) {
        this.directory = directory;
        this.caCert = directory.resolve("ca.pem");
        this.caKey = directory.resolve("ca.key");
    }

    /** A new CA whose files live in {@code directory}. */
    public static TestCertificates newCa(Path directory, String name) throws IOException {
        Files.createDirectories(directory);
        TestCertificates ca = new TestCertificates(directory);
        ca.newKey(
                ca.caKey,
                ca.caCert,
                name,
                "-x509",
                "-days",
                "30",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign");
        return ca;
    }

    /** The CA's certificate (PEM), for {@code curl --cacert} and the agent's {@code --ca}. */
    public Path caFile() {
        return caCert;
    }

    /** A leaf certificate and its key. */
    public record Leaf(Path cert, Path key, BigInteger serial) {
        /** Copies both files over {@code cert} and {@code key} (atomically each), as an operator replacing them would. */
        public void installAs(Path certTarget, Path keyTarget) throws IOException {
            copy(key, keyTarget);
            copy(cert, certTarget);
        }

        private static void copy(Path from, Path to) throws IOException {
            Path temporary = to.resolveSibling(to.getFileName() + ".new");
            Files.copy(from, temporary, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temporary, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** A leaf for {@code names} (the first is the common name), valid from now for 30 days. */
    public Leaf leaf(String... names) throws IOException {
        return sign(null, null, "serverAuth", names);
    }

    /** A leaf for {@code names} that may serve and also authenticate as a client (mutual TLS between gateways or to auth-service). */
    public Leaf clientAndServerLeaf(String... names) throws IOException {
        return sign(null, null, "serverAuth,clientAuth", names);
    }

    /** A leaf for {@code names} that expired yesterday. */
    public Leaf expiredLeaf(String... names) throws IOException {
        java.time.format.DateTimeFormatter format = java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'")
                .withZone(java.time.ZoneOffset.UTC);
        java.time.Instant now = java.time.Instant.now();
        return sign(
                format.format(now.minus(java.time.Duration.ofDays(3))),
                format.format(now.minus(java.time.Duration.ofDays(1))),
                "serverAuth",
                names);
    }

    /** A fresh private key that belongs to no certificate. */
    public Path strayKey() throws IOException {
        Path key = directory.resolve("stray-" + (++made) + ".key");
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
        return key;
    }

    private Leaf sign(String notBefore, String notAfter, String usage, String... names) throws IOException {
        int n = ++made;
        Path key = directory.resolve("leaf-" + n + ".key");
        Path csr = directory.resolve("leaf-" + n + ".csr");
        Path cert = directory.resolve("leaf-" + n + ".pem");
        Path extensions = directory.resolve("leaf-" + n + ".ext");
        List<String> alternatives = new ArrayList<>();
        for (String name : names) {
            alternatives.add("DNS:" + name);
        }
        Files.writeString(
                extensions,
                "subjectAltName=" + String.join(",", alternatives)
                        + "\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=" + usage
                        + "\n",
                StandardCharsets.US_ASCII);
        newKey(key, csr, names[0]);
        BigInteger serial = new BigInteger(64, random).setBit(62);
        if (notBefore == null) {
            openssl(
                    "x509",
                    "-req",
                    "-in",
                    csr.toString(),
                    "-CA",
                    caCert.toString(),
                    "-CAkey",
                    caKey.toString(),
                    "-set_serial",
                    "0x" + serial.toString(16),
                    "-days",
                    "30",
                    "-sha256",
                    "-extfile",
                    extensions.toString(),
                    "-out",
                    cert.toString());
        } else {
            Path config = directory.resolve("ca-" + n + ".cnf");
            Path index = directory.resolve("index-" + n + ".txt");
            Files.writeString(index, "");
            Files.writeString(directory.resolve("serial-" + n), serial.toString(16) + "\n");
            Files.writeString(config, """
                    [ca]
                    default_ca = test
                    [test]
                    database = %s
                    new_certs_dir = %s
                    certificate = %s
                    private_key = %s
                    serial = %s
                    default_md = sha256
                    policy = any
                    unique_subject = no
                    [any]
                    commonName = supplied
                    """.formatted(index, directory, caCert, caKey, directory.resolve("serial-" + n)));
            openssl(
                    "ca",
                    "-batch",
                    "-config",
                    config.toString(),
                    "-in",
                    csr.toString(),
                    "-out",
                    cert.toString(),
                    "-notext",
                    "-startdate",
                    notBefore,
                    "-enddate",
                    notAfter,
                    "-extfile",
                    extensions.toString());
        }
        return new Leaf(cert, key, serial);
    }

    /**
     * {@code openssl req}: a new unencrypted P-256 key into {@code key} and, into {@code out}, a
     * signing request for CN={@code commonName}, or with {@code -x509} among {@code options} a
     * self-signed certificate.
     */
    private void newKey(Path key, Path out, String commonName, String... options) throws IOException {
        List<String> arguments = new ArrayList<>(List.of(
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                out.toString(),
                "-subj",
                "/CN=" + commonName));
        arguments.addAll(List.of(options));
        openssl(arguments.toArray(String[]::new));
    }

    private void openssl(String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(arguments));
        Path log = directory.resolve("openssl.log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("openssl " + String.join(" ", arguments) + " failed; see " + log + ":\n"
                        + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running openssl", e);
        }
    }
}
