package dev.porthole.auth.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Size;
import java.util.Optional;

/** What gateways present on internal endpoints: {@code PORTHOLE_INTERNAL_TOKEN}, and optionally a client certificate. */
@ConfigMapping(prefix = "porthole.internal")
public interface InternalConfig {

    /** Shared by gateways and auth-service, at least 16 characters; unset: internal endpoints answer 503. */
    Optional<@Size(min = ConfigCheck.MIN_INTERNAL_TOKEN_LENGTH, message = "must be at least {min} characters") String>
            token();

    /**
     * Internal endpoints also need a TLS client certificate that auth-service's trust store accepts
     * (mutual TLS with the gateways); needs {@code quarkus.http.ssl.client-auth=request} (or
     * {@code required}) and a trust store, so that the handshake verifies what is presented.
     */
    @WithDefault("false")
    boolean requireClientCertificate();
}
