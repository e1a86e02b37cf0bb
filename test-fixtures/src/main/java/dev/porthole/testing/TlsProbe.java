package dev.porthole.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** Opens a TLS connection as a visitor would, trusting one CA, and says what the server presented. */
public final class TlsProbe {

    /** What one handshake saw: the leaf certificate and the protocol ALPN chose ("" for none). */
    public record Handshake(X509Certificate leaf, String applicationProtocol) {}

    private TlsProbe() {}

    /** A handshake with {@code 127.0.0.1:port} sending {@code serverName} as SNI (null: none) and offering {@code alpn}. */
    public static Handshake handshake(int port, String serverName, Path caFile, String... alpn) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trusting(caFile).getTrustManagers(), null);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
                socket.setSoTimeout(10_000);
                SSLParameters parameters = socket.getSSLParameters();
                if (serverName != null) {
                    parameters.setServerNames(List.of(new SNIHostName(serverName)));
                }
                if (alpn.length > 0) {
                    parameters.setApplicationProtocols(alpn);
                }
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                X509Certificate leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
                String protocol = socket.getApplicationProtocol();
                return new Handshake(leaf, protocol == null ? "" : protocol);
            }
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /** Trust managers that trust the certificate in {@code caFile} only. */
    public static TrustManagerFactory trusting(Path caFile) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            store.setCertificateEntry(
                    "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory;
    }
}
