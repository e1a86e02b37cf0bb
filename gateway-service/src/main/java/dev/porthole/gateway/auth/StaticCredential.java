package dev.porthole.gateway.auth;

import dev.porthole.protocol.auth.Principal;
import java.util.Objects;

/**
 * One static token and who its holder is: a token of {@code porthole.gateway.auth.tokens} (every
 * grant) or a client of the configuration file (its own grants).
 */
public record StaticCredential(String token, Principal principal) {

    public StaticCredential {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(principal, "principal");
    }
}
