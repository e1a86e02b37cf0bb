package dev.porthole.protocol.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.ConfigValidator;
import org.junit.jupiter.api.Test;

class SettingNamesTest {

    @Test
    void aCheckProblemNamesItsPropertyAndTheEnvironmentVariable() {
        assertThat(SettingNames.naming("porthole.gateway.http.port: must be between 1 and 65535, was 70000"))
                .isEqualTo(
                        "porthole.gateway.http.port (PORTHOLE_GATEWAY_HTTP_PORT): must be between 1 and 65535, was 70000");
    }

    @Test
    void aListIndexNamesTheListsVariable() {
        assertThat(SettingNames.naming("porthole.gateway.auth.tokens[0]: shorter than 16 characters"))
                .isEqualTo(
                        "porthole.gateway.auth.tokens[0] (PORTHOLE_GATEWAY_AUTH_TOKENS): shorter than 16 characters");
    }

    @Test
    void aBeanValidationProblemNamesTheEnvironmentVariableToo() {
        assertThat(SettingNames.naming("porthole.notify.consumer.batch-size must be greater than or equal to 1"))
                .isEqualTo(
                        "porthole.notify.consumer.batch-size (PORTHOLE_NOTIFY_CONSUMER_BATCH_SIZE) must be greater than or equal to 1");
    }

    @Test
    void textWithoutAPortholePropertyStaysAsItIs() {
        assertThat(SettingNames.naming("PORTHOLE_ADMIN_KEY must be at least 32 characters"))
                .isEqualTo("PORTHOLE_ADMIN_KEY must be at least 32 characters");
    }

    @Test
    void theWrappedValidatorRewritesEveryProblem() {
        ConfigValidator failing = (mapping, prefix, object) -> {
            throw new ConfigValidationException(new ConfigValidationException.Problem[] {
                new ConfigValidationException.Problem("porthole.auth.bcrypt-cost must be less than or equal to 31"),
                new ConfigValidationException.Problem("porthole.console.max-events must be greater than or equal to 1")
            });
        };
        assertThatThrownBy(() -> NamingConfigValidator.named(failing).validateMapping(Object.class, "porthole", null))
                .isInstanceOfSatisfying(ConfigValidationException.class, e -> {
                    assertThat(e.getProblem(0).getMessage())
                            .isEqualTo(
                                    "porthole.auth.bcrypt-cost (PORTHOLE_AUTH_BCRYPT_COST) must be less than or equal to 31");
                    assertThat(e.getProblem(1).getMessage())
                            .startsWith("porthole.console.max-events (PORTHOLE_CONSOLE_MAX_EVENTS) must be");
                });
    }
}
