package dev.porthole.auth.config;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** The credential gateways present on internal endpoints ({@code PORTHOLE_INTERNAL_TOKEN}). */
@ConfigMapping(prefix = "porthole.internal")
public interface InternalConfig {

    /** Shared by gateways and auth-service, at least 16 characters; unset: internal endpoints answer 503. */
    Optional<String> token();
}
