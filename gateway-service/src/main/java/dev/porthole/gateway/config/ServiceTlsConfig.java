package dev.porthole.gateway.config;

import java.util.Optional;

/** The gateway's side of TLS to auth-service. */
public interface ServiceTlsConfig {
    /** PEM of the CA that signed auth-service's certificate; unset: the JDK's trust store. */
    Optional<String> caFile();

    /** PEM client certificate (chain) the gateway presents to auth-service, for auth-service's {@code client-auth=required}. */
    Optional<String> certFile();

    /** PEM private key of {@code cert-file}. */
    Optional<String> keyFile();
}
