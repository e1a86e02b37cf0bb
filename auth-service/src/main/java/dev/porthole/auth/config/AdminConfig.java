package dev.porthole.auth.config;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** The bootstrap admin key ({@code PORTHOLE_ADMIN_KEY}) that every Porthole service is given. */
@ConfigMapping(prefix = "porthole.admin")
public interface AdminConfig {

    /** The bootstrap admin key, at least 32 characters; unset: the admin API answers 503. */
    Optional<String> key();
}
