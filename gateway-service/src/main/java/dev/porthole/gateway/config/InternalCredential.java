package dev.porthole.gateway.config;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** The credential services use among themselves; the same setting auth-service reads. */
@ConfigMapping(prefix = "porthole.internal")
public interface InternalCredential {

    /** Service-to-service token ({@code PORTHOLE_INTERNAL_TOKEN}) the gateway presents to auth-service. */
    Optional<String> token();
}
