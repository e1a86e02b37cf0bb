package dev.porthole.auth.config;

import dev.porthole.protocol.admin.AdminTokenKey;
import io.smallrye.config.ConfigMapping;
import jakarta.validation.constraints.Size;
import java.util.Optional;

/** The bootstrap admin key ({@code PORTHOLE_ADMIN_KEY}) that every Porthole service is given. */
@ConfigMapping(prefix = "porthole.admin")
public interface AdminConfig {

    /** The bootstrap admin key, at least 32 characters; unset: the admin API answers 503. */
    Optional<@Size(min = AdminTokenKey.MIN_ADMIN_KEY_LENGTH, message = "must be at least {min} characters") String>
            key();
}
