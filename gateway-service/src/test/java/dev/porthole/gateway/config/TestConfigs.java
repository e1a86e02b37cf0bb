package dev.porthole.gateway.config;

import dev.porthole.protocol.config.NamingConfigValidator;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
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
 * Builds a {@link GatewayConfig} from a few properties over the defaults, without starting Quarkus,
 * with its keys' constraints checked like at start-up.
 */
public final class TestConfigs {

    private static final Validator VALIDATOR =
            Validation.buildDefaultValidatorFactory().getValidator();

    private TestConfigs() {}

    /** The configuration; throws {@link ConfigValidationException} when a key breaks its constraint. */
    public static GatewayConfig gateway(Map<String, String> properties) {
        BeanValidationConfigValidator constraints = () -> VALIDATOR;
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(GatewayConfig.class)
                .withConverter(MemorySize.class, 100, new MemorySizeConverter())
                .withConverter(Duration.class, 100, new DurationConverter())
                .withValidator(NamingConfigValidator.named(constraints))
                .withDefaultValues(properties)
                .build();
        return config.getConfigMapping(GatewayConfig.class);
    }

    /**
     * What start-up reports for these properties: the broken constraints of single keys, or when
     * there are none, {@link ConfigCheck}'s mistakes across keys; one line each.
     */
    public static List<String> problems(Map<String, String> properties) {
        try {
            return ConfigCheck.problems(gateway(properties));
        } catch (ConfigValidationException e) {
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < e.getProblemCount(); i++) {
                problems.add(e.getProblem(i).getMessage());
            }
            return problems;
        }
    }
}
