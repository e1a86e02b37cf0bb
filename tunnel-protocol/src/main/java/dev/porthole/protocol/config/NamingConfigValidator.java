package dev.porthole.protocol.config;

import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.ConfigValidator;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.SmallRyeConfigBuilderCustomizer;

/**
 * Adds the environment variable to every Bean Validation failure of a {@code @ConfigMapping}
 * ({@code porthole.gateway.http.port (PORTHOLE_GATEWAY_HTTP_PORT) must be less than or equal to
 * 65535}): the configuration library names only the property. Registered through
 * {@code META-INF/services}, so every service that uses this library reports its single-key
 * mistakes like its start-up check reports the rest; it runs after the customizer that installs
 * the Bean Validation validator and wraps it.
 */
public final class NamingConfigValidator implements SmallRyeConfigBuilderCustomizer {

    @Override
    public void configBuilder(SmallRyeConfigBuilder builder) {
        ConfigValidator validator = builder.getValidator();
        if (validator != null && validator != ConfigValidator.EMPTY) {
            // the wrapper replaces the discovered validator; discovering again would drop it
            builder.setAddDiscoveredValidator(false).withValidator(named(validator));
        }
    }

    /** {@code validator}, with the environment variable added to each problem it reports. */
    public static ConfigValidator named(ConfigValidator validator) {
        return (mapping, prefix, object) -> {
            try {
                validator.validateMapping(mapping, prefix, object);
            } catch (ConfigValidationException e) {
                var problems = new ConfigValidationException.Problem[e.getProblemCount()];
                for (int i = 0; i < problems.length; i++) {
                    problems[i] = new ConfigValidationException.Problem(
                            SettingNames.naming(e.getProblem(i).getMessage()));
                }
                throw new ConfigValidationException(problems);
            }
        };
    }

    @Override
    public int priority() {
        return Integer.MAX_VALUE;
    }
}
