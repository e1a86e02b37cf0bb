package dev.porthole.agent.tunnel;

import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How the agent checks the gateway's TLS certificate on {@code wss://}: the system trust store, or
 * only the CA in {@code caFile} ({@code --ca}); optionally the gateway's public key pinned by its
 * SHA-256 ({@code --pin sha256/<base64>}, as curl's {@code --pinnedpubkey}); or no check at all
 * ({@code --insecure}), which the agent warns about at every start. The host name is always checked
 * against the certificate unless {@code insecure}.
 *
 * @param caFile a PEM file of the CA certificate(s) to trust instead of the system's, or null
 * @param insecure accept any certificate (pins still apply)
 * @param pins SHA-256 digests of acceptable public keys (SubjectPublicKeyInfo), base64, without the {@code sha256/} prefix
 */
public record GatewayTrust(Path caFile, boolean insecure, List<String> pins) {

    /** The system trust store, no pin. */
    public static final GatewayTrust SYSTEM = new GatewayTrust(null, false, List.of());

    private static final String PIN_PREFIX = "sha256/";

    public GatewayTrust {
        pins = List.copyOf(pins);
    }

    /**
     * Checks and builds the trust from command-line values.
     *
     * @throws IllegalArgumentException naming the flag and what is wrong (a configuration error)
     */
    public static GatewayTrust of(String caFile, boolean insecure, List<String> pins) {
        Path ca = null;
        if (caFile != null && !caFile.isBlank()) {
            ca = Path.of(caFile.trim());
            certificates(ca);
        }
        List<String> digests = new ArrayList<>();
        for (String pin : pins == null ? List.<String>of() : pins) {
            if (pin == null || pin.isBlank()) {
                continue;
            }
            String trimmed = pin.trim();
            if (!trimmed.toLowerCase(Locale.ROOT).startsWith(PIN_PREFIX)) {
                throw new IllegalArgumentException(
                        "--pin '" + trimmed + "' must look like sha256/<base64 of the SHA-256 of the public key>");
            }
            String digest = trimmed.substring(PIN_PREFIX.length());
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(digest);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--pin '" + trimmed + "': '" + digest + "' is not base64");
            }
            if (bytes.length != 32) {
                throw new IllegalArgumentException(
                        "--pin '" + trimmed + "': a SHA-256 digest has 32 bytes, this one " + bytes.length);
            }
            digests.add(digest);
        }
        return new GatewayTrust(ca, insecure, digests);
    }

    /** Sets the client's TLS trust; plain {@code ws://} connections do not use it. */
    public void applyTo(WebSocketClientOptions options) {
        if (insecure) {
            options.setVerifyHost(false);
        }
        if (caFile == null && pins.isEmpty()) {
            options.setTrustAll(insecure);
            return;
        }
        try {
            X509ExtendedTrustManager base = insecure ? null : baseTrust();
            options.setTrustOptions(TrustOptions.wrap(new PinnedTrustManager(base, pins)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "cannot set up the trust for the gateway's certificate: " + e.getMessage(), e);
        }
    }

    private X509ExtendedTrustManager baseTrust() throws GeneralSecurityException {
        KeyStore store = null;
        if (caFile != null) {
            store = KeyStore.getInstance(KeyStore.getDefaultType());
            try {
                store.load(null, null);
            } catch (IOException e) {
                throw new GeneralSecurityException(e);
            }
            int n = 0;
            for (Certificate certificate : certificates(caFile)) {
                store.setCertificateEntry("ca-" + n++, certificate);
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager extended) {
                return extended;
            }
        }
        throw new GeneralSecurityException("the JDK offers no X509ExtendedTrustManager");
    }

    private static Collection<? extends Certificate> certificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException(
                        "--ca " + file + ": holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
            }
            return certificates;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--ca " + file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException("--ca " + file + ": cannot be read: " + e.getMessage());
        } catch (CertificateException e) {
            throw new IllegalArgumentException("--ca " + file + ": not a PEM certificate: " + e.getMessage());
        }
    }

    /** What the agent says at every start about this trust and {@code server}: an insecure setting, or a token about to cross the network in plain text. */
    public List<String> warnings(URI server) {
        List<String> warnings = new ArrayList<>();
        String scheme = server.getScheme() == null ? "" : server.getScheme().toLowerCase(Locale.ROOT);
        boolean plain = scheme.equals("http") || scheme.equals("ws");
        if (plain && !isLoopback(server.getHost())) {
            warnings.add("the gateway URL " + server + " is plain " + scheme
                    + "://: the token and every byte of the tunnel cross the network"
                    + " unencrypted; use https:// if the gateway has TLS");
        }
        if (insecure && !plain) {
            warnings.add(
                    "--insecure: the gateway's TLS certificate is not checked"
                            + (pins.isEmpty() ? "" : " (only the pinned key is)")
                            + "; anyone on the path can pose as the gateway and read the token. Use --ca FILE for a private CA instead");
        }
        return warnings;
    }

    /** Whether {@code host} is this machine: {@code localhost} or a loopback address. */
    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost") || bare.toLowerCase(Locale.ROOT).endsWith(".localhost")) {
            return true;
        }
        if (!bare.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(bare).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * The reason a failed connection attempt is a certificate the agent does not accept, if it is one:
     * a handshake that failed on the certificate (untrusted, expired, another host's, a pin mismatch).
     */
    public static Optional<String> certificateRefusal(Throwable failure) {
        boolean handshake = false;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLHandshakeException) {
                handshake = true;
            }
            if (handshake && cause instanceof CertificateException) {
                return Optional.of(cause.getMessage());
            }
        }
        return Optional.empty();
    }
}
