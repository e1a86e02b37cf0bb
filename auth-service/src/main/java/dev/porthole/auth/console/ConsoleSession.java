package dev.porthole.auth.console;

import java.time.Instant;

/**
 * A logged-in operator.
 *
 * @param operator the admin JWT's subject, recorded as the actor of every change
 * @param expiresAt when the session ends (the JWT's expiry)
 * @param csrfToken the token every state-changing form of this session must carry
 */
public record ConsoleSession(String operator, Instant expiresAt, String csrfToken) {

    @Override
    public String toString() {
        return "ConsoleSession[operator=" + operator + ", expiresAt=" + expiresAt + "]";
    }
}
