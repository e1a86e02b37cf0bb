package dev.porthole.gateway.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;

/** Builds a {@link GatewayConfig} from a few properties over the defaults, without starting Quarkus. */
public final class TestConfigs {

    private TestConfigs() {}

    public static GatewayConfig gateway(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(GatewayConfig.class)
                .withConverter(MemorySize.class, 100, new MemorySizeConverter())
                .withConverter(Duration.class, 100, new DurationConverter())
                .withDefaultValues(properties)
                .build();
        return config.getConfigMapping(GatewayConfig.class);
    }
}
