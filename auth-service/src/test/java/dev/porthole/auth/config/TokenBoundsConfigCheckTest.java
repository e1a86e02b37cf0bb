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
        assertThat(TestConfigs.problems(Map.of(
                        "porthole.auth.jwt.clock-skew", "5m",
                        "porthole.auth.admin-token-lifetime", "8h")))
                .isEmpty();
    }

    @Test
    void refusesAClockSkewAboveFiveMinutes() {
        assertThat(TestConfigs.problems(Map.of("porthole.auth.jwt.clock-skew", "301s")))
                .containsExactly(
                        "porthole.auth.jwt.clock-skew (PORTHOLE_AUTH_JWT_CLOCK_SKEW) must be shorter than or equal to 5 minutes");
    }

    @Test
    void refusesAnAdminTokenLifetimeAboveEightHours() {
        assertThat(TestConfigs.problems(Map.of("porthole.auth.admin-token-lifetime", "30d")))
                .containsExactly(
                        "porthole.auth.admin-token-lifetime (PORTHOLE_AUTH_ADMIN_TOKEN_LIFETIME) must be shorter than or equal to 8 hours");
    }
}
