package dev.porthole.gateway.tls;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.GatewayInstance;
import dev.porthole.gateway.control.PublicAddresses;
import dev.porthole.gateway.events.EventPublisher;
import dev.porthole.gateway.tls.acme.OnDemandCertificates;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.KeyCertOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * TLS on the public listener: the certificates from {@code tls.cert-files}/{@code tls.key-files} and,
 * with {@code tls.acme.directory-url}, per tunnel name from ACME ({@link OnDemandCertificates}),
 * SNI picking among them ({@link SniKeyManager}), ALPN offering h2 (unless HTTP/2 is off) and http/1.1, the files watched and new
 * ones served from the next handshake on (open connections keep theirs), and the HSTS header.
 */
@ApplicationScoped
public class TlsTermination {

    private final Vertx vertx;
    private final GatewayConfig config;
    private final EventPublisher events;
    private final GatewayInstance instance;
    private final OnDemandCertificates acme;
    private final boolean enabled;
    private final String hsts;
    private CertificateSource source;
    private String loadedVersion;
    private CertificateReload reload;
    private SniKeyManager keyManager;

    public TlsTermination(
            Vertx vertx,
            GatewayConfig config,
            EventPublisher events,
            GatewayInstance instance,
            OnDemandCertificates acme) {
        this.vertx = vertx;
        this.acme = acme;
        this.config = config;
        this.events = events;
        this.instance = instance;
        this.enabled = PublicAddresses.tlsTerminated(config);
        this.hsts = config.tls()
                .hstsMaxAge()
                .filter(age -> age.toSeconds() > 0)
                .map(age -> "max-age=" + age.toSeconds()
                        + (config.tls().hstsIncludeSubdomains() ? "; includeSubDomains" : ""))
                .orElse(null);
    }

    /** Whether the public listener speaks TLS. */
    public boolean enabled() {
        return enabled;
    }

    /** The {@code Strict-Transport-Security} value to send, or null for none. */
    public String hstsHeader() {
        return enabled ? hsts : null;
    }

    /**
     * Loads the certificates and turns TLS on in {@code options}; does nothing when TLS is off.
     *
     * @throws CertificateProblems naming each file and what is wrong with it
     */
    public synchronized void configure(HttpServerOptions options) throws CertificateProblems {
        if (!enabled) {
            return;
        }
        List<Path> certs = config.tls().certFiles().orElse(List.of()).stream()
                .map(Path::of)
                .toList();
        List<Path> keys =
                config.tls().keyFiles().orElse(List.of()).stream().map(Path::of).toList();
        ServedCertificates served = null;
        if (!certs.isEmpty()) {
            source = new PemCertificateFiles(vertx, certs, keys, Clock.systemUTC());
            loadedVersion = source.version();
            served = source.load();
        }
        options.setSsl(true)
                .setUseAlpn(true)
                .setAlpnVersions(
                        config.http().http2().enabled()
                                ? List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1)
                                : List.of(HttpVersion.HTTP_1_1))
                .setKeyCertOptions(
                        KeyCertOptions.wrap(keyManager = new SniKeyManager(served, acme.enabled() ? acme : null)));
        Log.infof(
                "TLS on the public port with %s%s",
                served == null ? "no certificate files" : served.summary(),
                acme.enabled() ? "; certificates per tunnel name from ACME on demand" : "");
    }

    /** Watches the files and serves changed certificates from the next handshake on. */
    public synchronized void watch() {
        if (!enabled || reload != null) {
            return;
        }
        acme.start();
        if (source == null) {
            return;
        }
        SniKeyManager served = keyManager;
        reload = new CertificateReload(
                vertx,
                source,
                loadedVersion,
                events,
                instance.id(),
                config.tls().reloadCheckInterval(),
                next -> {
                    served.serve(next);
                    return Future.succeededFuture();
                });
        reload.start();
    }

    @PreDestroy
    synchronized void stop() {
        if (reload != null) {
            reload.stop();
        }
    }
}
