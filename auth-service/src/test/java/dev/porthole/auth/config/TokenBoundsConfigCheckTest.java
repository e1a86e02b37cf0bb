package dev.porthole.auth.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A clock-skew tolerance or an admin-token lifetime above its bound stops start-up with a sentence
 * naming the property and its environment variable: a stolen admin JWT or an expired agent JWT must
 * not stay good for hours because of a typo.
 */
class TokenBoundsConfigCheckTest {

    @Test
    void acceptsTheBoundsThemselves() {
        assertThat(ConsoleConfigCheckTest.check(Map.of(
                                "porthole.auth.jwt.clock-skew", "5m",
                                "porthole.auth.admin-token-lifetime", "8h"))
                        .problems())
                .isEmpty();
    }

    @Test
    void refusesAClockSkewAboveFiveMinutes() {
        assertThat(ConsoleConfigCheckTest.check(Map.of("porthole.auth.jwt.clock-skew", "301s"))
                        .problems())
                .containsExactly(
                        "porthole.auth.jwt.clock-skew (PORTHOLE_AUTH_JWT_CLOCK_SKEW) must be at most 5m, the tolerance on a JWT's exp and nbf (it is 301s)");
    }

    @Test
    void refusesAnAdminTokenLifetimeAboveEightHours() {
        assertThat(ConsoleConfigCheckTest.check(Map.of("porthole.auth.admin-token-lifetime", "30d"))
                        .problems())
                .containsExactly(
                        "porthole.auth.admin-token-lifetime (PORTHOLE_AUTH_ADMIN_TOKEN_LIFETIME) must be at most 8h, how long an admin JWT stays valid"
                                + " (it is 720h)");
    }
}
