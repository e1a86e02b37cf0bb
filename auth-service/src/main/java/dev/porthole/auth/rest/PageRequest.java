package dev.porthole.auth.rest;

import dev.porthole.auth.config.AuthConfig;
import dev.porthole.auth.service.AdminException;
import jakarta.enterprise.context.ApplicationScoped;

/** Checks {@code page} and {@code size} query parameters against the configured page-size bound. */
@ApplicationScoped
public class PageRequest {

    private final AuthConfig config;

    public PageRequest(AuthConfig config) {
        this.config = config;
    }

    /** The page size to use; a validation problem naming {@code size} when out of bounds. */
    public int size(Integer requested) {
        if (requested == null) {
            return config.defaultPageSize();
        }
        if (requested < 1 || requested > config.maxPageSize()) {
            throw AdminException.invalid("size", "must be between 1 and " + config.maxPageSize());
        }
        return requested;
    }

    /** The page number; a validation problem naming {@code page} when negative. */
    public int page(Integer requested) {
        if (requested == null) {
            return 0;
        }
        if (requested < 0 || requested > 1_000_000) {
            throw AdminException.invalid("page", "must be between 0 and 1000000");
        }
        return requested;
    }
}
