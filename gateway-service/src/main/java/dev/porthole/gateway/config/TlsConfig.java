package dev.porthole.gateway.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.hibernate.validator.constraints.Range;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

/** TLS termination on the public listener (see docs/operations.md, "HTTPS on a VPS in five minutes"). */
public interface TlsConfig {
    /**
     * PEM certificate chains, leaf first, one per domain (typically {@code *.<domain>} plus the apex
     * in one certificate); the visitor's SNI picks one. Setting it turns TLS on for the public port.
     */
    Optional<List<String>> certFiles();

    /** PEM private keys (PKCS#8, or PKCS#1 RSA), one per certificate file, in the same order. */
    Optional<List<String>> keyFiles();

    /** How often the files are looked at; changed files are served from the next handshake on, without a restart. */
    @WithDefault("5s")
    @DurationMin(millis = 100)
    @DurationMax(hours = 1)
    Duration reloadCheckInterval();

    /** {@code Strict-Transport-Security} max-age on every response of the public port; unset or 0: no header. */
    Optional<@DurationMin(millis = 0, message = "must be 0s or more") Duration> hstsMaxAge();

    /** Add {@code includeSubDomains} to the HSTS header (every tunnel under the domain is then HTTPS-only in browsers that saw it). */
    @WithDefault("false")
    boolean hstsIncludeSubdomains();

    /** A plain-HTTP port (80 on a VPS) that answers every request with a 308 redirect to the same URL over https; unset: none. */
    @Range(min = 0, max = 65535)
    OptionalInt redirectPort();

    /** Certificates from an ACME CA, on demand per tunnel name (HTTP-01 on the redirect port); off unless {@code tls.acme.directory-url} is set. */
    AcmeConfig acme();

    /** TLS passthrough tunnels ({@code porthole tls}): a listener that routes by SNI without decrypting; off unless {@code tls.passthrough.port} is set. */
    PassthroughConfig passthrough();
}
