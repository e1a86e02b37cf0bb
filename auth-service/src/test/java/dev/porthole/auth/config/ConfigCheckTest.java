package dev.porthole.auth.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** auth-service reports a key that breaks its constraint and settings that do not fit together, each with its variable. */
class ConfigCheckTest {

    @Test
    void aKeyOutOfItsRangeIsNamedWithItsVariable() {
        assertThat(TestConfigs.problems(Map.of(
                        "porthole.auth.bcrypt-cost", "-1",
                        "porthole.admin.key", "too-short")))
                .containsExactlyInAnyOrder(
                        "porthole.auth.bcrypt-cost (PORTHOLE_AUTH_BCRYPT_COST) must be between 4 and 31",
                        "porthole.admin.key (PORTHOLE_ADMIN_KEY) must be at least 32 characters");
    }

    @Test
    void settingsThatDoNotFitTogetherAreNamed() {
        assertThat(TestConfigs.problems(Map.of(
                        "porthole.auth.default-page-size", "50",
                        "porthole.auth.max-page-size", "10",
                        "porthole.auth.public.warning-lead", "10m")))
                .containsExactlyInAnyOrder(
                        "porthole.auth.default-page-size: must be at most porthole.auth.max-page-size"
                                + " (PORTHOLE_AUTH_MAX_PAGE_SIZE, 10), it is 50",
                        "porthole.auth.public.warning-lead: must be shorter than porthole.auth.public.session-lifetime"
                                + " (PORTHOLE_AUTH_PUBLIC_SESSION_LIFETIME)");
    }
}
