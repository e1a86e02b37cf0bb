package dev.porthole.gateway.config;

import java.util.Optional;

/**
 * Mutual TLS on the hop between gateways: the peer listener (at {@code internal-address}) speaks TLS and
 * requires a client certificate signed by {@code ca-file}, and this gateway presents its own when it forwards.
 */
public interface MtlsConfig {
    /** PEM certificate (chain) this gateway presents to the others, as server and as client; signed by {@code ca-file}. */
    Optional<String> certFile();

    /** PEM private key of {@code cert-file}. */
    Optional<String> keyFile();

    /** PEM of the cluster's own CA: only peers with a certificate it signed are served or trusted. */
    Optional<String> caFile();
}
