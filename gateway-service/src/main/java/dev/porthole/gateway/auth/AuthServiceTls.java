package dev.porthole.gateway.auth;

import dev.porthole.gateway.config.ServiceTlsConfig;
import io.quarkus.tls.TlsConfiguration;
import io.vertx.core.Vertx;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SSLOptions;
import io.vertx.core.net.TrustOptions;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The TLS the gateway's REST client speaks to an {@code https://} auth-service: the CA from
 * {@code auth.service-tls.ca-file} (else the JDK's trust store) and, with {@code cert-file} and
 * {@code key-file}, a client certificate for an auth-service that requires one. Host names are checked.
 */
public final class AuthServiceTls implements TlsConfiguration {

    private final PemKeyCertOptions clientCertificate;
    private final PemTrustOptions trusted;

    private AuthServiceTls(ServiceTlsConfig files) {
        this.clientCertificate = files.certFile().isPresent() && files.keyFile().isPresent()
                ? new PemKeyCertOptions()
                        .setCertPath(files.certFile().get())
                        .setKeyPath(files.keyFile().get())
                : null;
        this.trusted =
                files.caFile().map(ca -> new PemTrustOptions().addCertPath(ca)).orElse(null);
    }

    /** The configuration when any of {@code auth.service-tls}'s files is set. */
    static Optional<TlsConfiguration> of(ServiceTlsConfig files) {
        return files.caFile().isPresent() || files.certFile().isPresent()
                ? Optional.of(new AuthServiceTls(files))
                : Optional.empty();
    }

    /** The same CA and client certificate as an SSLContext, for a client that is not Vert.x's (the readiness check); empty when none is set. */
    public static Optional<SSLContext> sslContext(ServiceTlsConfig files, Vertx vertx) throws Exception {
        if (files.caFile().isEmpty() && files.certFile().isEmpty()) {
            return Optional.empty();
        }
        AuthServiceTls tls = new AuthServiceTls(files);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(
                tls.clientCertificate == null
                        ? null
                        : tls.clientCertificate.getKeyManagerFactory(vertx).getKeyManagers(),
                tls.trusted == null
                        ? null
                        : tls.trusted.getTrustManagerFactory(vertx).getTrustManagers(),
                null);
        return Optional.of(context);
    }

    @Override
    public KeyStore getKeyStore() {
        return null;
    }

    @Override
    public KeyCertOptions getKeyStoreOptions() {
        return clientCertificate;
    }

    @Override
    public KeyStore getTrustStore() {
        return null;
    }

    @Override
    public TrustOptions getTrustStoreOptions() {
        return trusted;
    }

    @Override
    public SSLOptions getSSLOptions() {
        return new SSLOptions();
    }

    @Override
    public SSLContext createSSLContext() {
        throw new UnsupportedOperationException(
                "the gateway's auth-service client takes Vert.x options, not an SSLContext");
    }

    @Override
    public boolean isTrustAll() {
        return false;
    }

    @Override
    public Optional<String> getHostnameVerificationAlgorithm() {
        return Optional.of("HTTPS");
    }

    @Override
    public boolean usesSni() {
        return false;
    }

    @Override
    public boolean reload() {
        return false;
    }

    @Override
    public String getName() {
        return "porthole-auth-service";
    }
}
