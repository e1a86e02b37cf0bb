package dev.porthole.auth.config;

import dev.porthole.protocol.config.NamingConfigValidator;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.validator.BeanValidationConfigValidator;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * auth-service's configuration from a few properties over the defaults, without starting Quarkus,
 * with its keys' constraints checked like at start-up.
 */
public final class TestConfigs {

    private static final Validator VALIDATOR =
            Validation.buildDefaultValidatorFactory().getValidator();

    private TestConfigs() {}

    /** The start-up check of that configuration; throws {@link ConfigValidationException} when a key breaks its constraint. */
    public static ConfigCheck check(Map<String, String> settings) {
        BeanValidationConfigValidator constraints = () -> VALIDATOR;
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(AuthConfig.class)
                .withMapping(AdminConfig.class)
                .withMapping(InternalConfig.class)
                .withMapping(ConsoleConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withValidator(NamingConfigValidator.named(constraints))
                .withDefaultValues(settings)
                .build();
        return new ConfigCheck(
                config.getConfigMapping(AuthConfig.class),
                config.getConfigMapping(AdminConfig.class),
                config.getConfigMapping(InternalConfig.class),
                config.getConfigMapping(ConsoleConfig.class));
    }

    /**
     * What start-up reports for these settings: the broken constraints of single keys, or when there
     * are none, {@link ConfigCheck}'s mistakes across keys; one line each.
     */
    public static List<String> problems(Map<String, String> settings) {
        try {
            return check(settings).problems();
        } catch (ConfigValidationException e) {
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < e.getProblemCount(); i++) {
                problems.add(e.getProblem(i).getMessage());
            }
            return problems;
        }
    }
}
