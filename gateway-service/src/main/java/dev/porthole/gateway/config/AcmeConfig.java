package dev.porthole.gateway.config;

import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import java.util.Optional;
import org.hibernate.validator.constraints.time.DurationMin;

/** On-demand certificates from an ACME CA (RFC 8555), see docs/operations.md, "HTTPS on a VPS in five minutes". */
public interface AcmeConfig {
    /**
     * The CA's directory URL (Let's Encrypt: {@code https://acme-v02.api.letsencrypt.org/directory}); setting it
     * turns TLS and on-demand certificates on.
     */
    Optional<
                    @Pattern(
                            regexp = "(https|acme)://.+",
                            message = "must be an https:// URL (or an acme4j acme:// URI)")
                    String>
            directoryUrl();

    /** Contact address given to the CA with the account (expiry warnings). */
    Optional<String> email();

    /** PEM file of the CA that signed the ACME server's own HTTPS certificate, for a private ACME CA; unset: the JDK's trust store. */
    Optional<String> caFile();

    /**
     * AES-256 key (32 bytes, base64) that encrypts the account key and the certificates' keys in Redis; required with
     * ACME. Make one with {@code openssl rand -base64 32} and give every gateway of a cluster the same.
     */
    Optional<String> encryptionKey();

    /** Most new certificate orders this gateway starts per hour (renewals included); further names wait for the next token. */
    @WithDefault("20")
    @Positive
    int maxOrdersPerHour();

    /** How often the certificates are looked at for renewal (at two thirds of their lifetime) and for ones another gateway renewed. */
    @WithDefault("1h")
    @DurationMin(millis = 1)
    Duration renewCheckInterval();

    /** How long one order may take, challenges and issuance included. */
    @WithDefault("2m")
    @DurationMin(millis = 1)
    Duration orderTimeout();

    /** After a failed order the name is not ordered again for this long. */
    @WithDefault("10m")
    @DurationMin(millis = 1)
    Duration retryAfter();

    /** One wildcard certificate {@code *.<domain>} (and the domain) over DNS-01 instead of one per name; off unless {@code tls.acme.dns01.solver} is set. */
    Dns01Config dns01();
}
