package dev.porthole.gateway.tls;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.impl.KeyStoreHelper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Certificates from PEM files: pairs of a certificate chain (leaf first) and its private key. Each
 * pair is checked before it is served: both files readable, the chain parses, the leaf is within its
 * validity and the key belongs to it (a signature made with the key verifies with the leaf's key).
 */
public final class PemCertificateFiles implements CertificateSource {

    private static final byte[] PROBE =
            "porthole: does this key belong to this certificate?".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Vertx vertx;
    private final List<Path> certFiles;
    private final List<Path> keyFiles;
    private final Clock clock;

    /** {@code certFiles} and {@code keyFiles} pair up by position (checked by the configuration check). */
    public PemCertificateFiles(Vertx vertx, List<Path> certFiles, List<Path> keyFiles, Clock clock) {
        if (certFiles.size() != keyFiles.size() || certFiles.isEmpty()) {
            throw new IllegalArgumentException("one key file per certificate file, at least one");
        }
        this.vertx = vertx;
        this.certFiles = List.copyOf(certFiles);
        this.keyFiles = List.copyOf(keyFiles);
        this.clock = clock;
    }

    @Override
    public String describe() {
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < certFiles.size(); i++) {
            pairs.add(certFiles.get(i) + " + " + keyFiles.get(i));
        }
        return String.join(", ", pairs);
    }

    @Override
    public String version() {
        MessageDigest digest = sha256();
        for (int i = 0; i < certFiles.size(); i++) {
            for (Path file : List.of(certFiles.get(i), keyFiles.get(i))) {
                digest.update(file.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                try {
                    digest.update((byte) 1);
                    digest.update(Files.readAllBytes(file));
                } catch (IOException e) {
                    digest.update((byte) 0);
                    digest.update(String.valueOf(e).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    @Override
    public ServedCertificates load() throws CertificateProblems {
        List<String> problems = new ArrayList<>();
        List<ServedCertificate> served = new ArrayList<>();
        for (int i = 0; i < certFiles.size(); i++) {
            try {
                served.add(pair(certFiles.get(i), keyFiles.get(i)));
            } catch (Problem problem) {
                problems.add(problem.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new CertificateProblems(problems);
        }
        return new ServedCertificates(served);
    }

    private ServedCertificate pair(Path certFile, Path keyFile) throws Problem {
        byte[] certPem = read(certFile, "certificate");
        byte[] keyPem = read(keyFile, "private key");
        List<X509Certificate> chain = chain(certFile, certPem);
        X509Certificate leaf = chain.getFirst();
        List<String> names = names(leaf);
        Instant now = clock.instant();
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            throw new Problem(certFile + ": the certificate for " + String.join(", ", names) + " expired at "
                    + leaf.getNotAfter().toInstant() + "; renew it and replace the file");
        }
        if (now.isBefore(leaf.getNotBefore().toInstant())) {
            throw new Problem(certFile + ": the certificate for " + String.join(", ", names) + " is not valid before "
                    + leaf.getNotBefore().toInstant() + " (is this machine's clock right?)");
        }
        PrivateKey key = privateKey(keyFile, keyPem, certPem);
        if (!belongsTo(key, leaf.getPublicKey())) {
            throw new Problem(keyFile + ": the private key does not belong to the certificate in " + certFile + " ("
                    + String.join(", ", names) + "); give the key that was made with this certificate");
        }
        return new ServedCertificate(certFile.toString(), keyFile.toString(), chain, key, names);
    }

    private static byte[] read(Path file, String what) throws Problem {
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length == 0) {
                throw new Problem(file + ": the " + what + " file is empty");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new Problem(file + ": the " + what + " file does not exist");
        } catch (AccessDeniedException e) {
            throw new Problem(file + ": the " + what + " file cannot be read by this process (permission denied)");
        } catch (IOException e) {
            throw new Problem(file + ": the " + what + " file cannot be read: " + e.getMessage());
        }
    }

    private static List<X509Certificate> chain(Path file, byte[] pem) throws Problem {
        if (!new String(pem, java.nio.charset.StandardCharsets.ISO_8859_1).contains("-----BEGIN CERTIFICATE-----")) {
            throw new Problem(file + ": holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        Collection<? extends Certificate> parsed;
        try {
            parsed = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
        } catch (CertificateException e) {
            throw new Problem(file + ": not a PEM certificate chain (" + e.getMessage() + ")");
        }
        List<X509Certificate> chain = parsed.stream()
                .filter(X509Certificate.class::isInstance)
                .map(X509Certificate.class::cast)
                .toList();
        if (chain.isEmpty()) {
            throw new Problem(file + ": holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return chain;
    }

    private PrivateKey privateKey(Path file, byte[] keyPem, byte[] certPem) throws Problem {
        try {
            KeyStore store = new PemKeyCertOptions()
                    .setKeyValue(Buffer.buffer(keyPem))
                    .setCertValue(Buffer.buffer(certPem))
                    .loadKeyStore(vertx);
            Enumeration<String> aliases = store.aliases();
            while (aliases.hasMoreElements()) {
                String alias = aliases.nextElement();
                if (store.isKeyEntry(alias)) {
                    return (PrivateKey) store.getKey(alias, KeyStoreHelper.DUMMY_PASSWORD.toCharArray());
                }
            }
            throw new Problem(file + ": holds no private key");
        } catch (Problem problem) {
            throw problem;
        } catch (Exception e) {
            throw new Problem(file
                    + ": not a PEM private key (expected -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----: "
                    + e.getMessage() + ")");
        }
    }

    private static boolean belongsTo(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "ED25519", "EDDSA" -> "Ed25519";
            case "ED448" -> "Ed448";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> null;
        };
        if (algorithm == null
                || !key.getAlgorithm().equalsIgnoreCase(publicKey.getAlgorithm())
                        && !(key.getAlgorithm().equalsIgnoreCase("EdDSA")
                                || publicKey.getAlgorithm().equalsIgnoreCase("EdDSA"))) {
            return false;
        }
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The leaf's DNS names: its subject alternative names, else its common name. */
    public static List<String> names(X509Certificate leaf) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = leaf.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    if (entry.size() >= 2 && Integer.valueOf(2).equals(entry.get(0))) {
                        names.add(String.valueOf(entry.get(1)));
                    }
                }
            }
        } catch (CertificateException e) {
            // no readable alternative names: fall back on the common name
        }
        if (names.isEmpty()) {
            try {
                for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN")) {
                        names.add(String.valueOf(rdn.getValue()));
                    }
                }
            } catch (InvalidNameException e) {
                names.add(leaf.getSubjectX500Principal().getName());
            }
        }
        return names;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** One unusable pair; its message names the file. */
    private static final class Problem extends Exception {
        Problem(String message) {
            super(message, null, false, false);
        }
    }
}
