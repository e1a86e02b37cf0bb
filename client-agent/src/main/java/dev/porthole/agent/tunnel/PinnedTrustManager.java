package dev.porthole.agent.tunnel;

import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks the gateway's certificate with a base trust manager (the system's or a private CA's; none
 * with {@code --insecure}), then, if pins are given, that the leaf's public key is one of them.
 */
final class PinnedTrustManager extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager base;
    private final List<String> pins;

    PinnedTrustManager(X509ExtendedTrustManager base, List<String> pins) {
        this.base = base;
        this.pins = List.copyOf(pins);
    }

    /** {@code sha256/<base64>} of a certificate's public key, the form {@code --pin} takes. */
    static String pinOf(X509Certificate certificate) {
        try {
            return "sha256/"
                    + Base64.getEncoder()
                            .encodeToString(MessageDigest.getInstance("SHA-256")
                                    .digest(certificate.getPublicKey().getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private void checkPin(X509Certificate[] chain) throws CertificateException {
        if (pins.isEmpty()) {
            return;
        }
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the gateway presented no certificate");
        }
        String actual = pinOf(chain[0]);
        if (!pins.contains(actual.substring("sha256/".length()))) {
            throw new CertificateException(
                    "the gateway's public key is " + actual + ", which is not a pinned key (--pin)");
        }
    }

    /** One of the base's checks, when there is a base ({@code --insecure} has none). */
    @FunctionalInterface
    private interface BaseCheck {
        void check(X509ExtendedTrustManager base) throws CertificateException;
    }

    /** The base's check of the chain, then the pins. */
    private void checkServer(X509Certificate[] chain, BaseCheck baseCheck) throws CertificateException {
        if (base != null) {
            baseCheck.check(base);
        }
        checkPin(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkServer(chain, trust -> trust.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkServer(chain, trust -> trust.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkServer(chain, trust -> trust.checkServerTrusted(chain, authType));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("the agent takes no client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("the agent takes no client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the agent takes no client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return base == null ? new X509Certificate[0] : base.getAcceptedIssuers();
    }
}
