package dev.porthole.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.gateway.config.ConfigCheck;
import dev.porthole.gateway.config.TestConfigs;
import dev.porthole.protocol.mux.MuxSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tunnel settings agent connections get: frames, windows and their growth, as configured and checked. */
class AgentConnectionSettingsTest {

    @Test
    void theDefaultsAre256KiBFramesAndWindowsThatStartAt256KiBAndGrowTo4MiB() {
        MuxSettings settings =
                AgentEndpoint.muxSettings(TestConfigs.gateway(Map.of()).tunnel());
        assertThat(settings.maxFrameSize()).isEqualTo(256 * 1024);
        assertThat(settings.initialWindow()).isEqualTo(256 * 1024);
        assertThat(settings.maxWindow()).isEqualTo(4 * 1024 * 1024);
        assertThat(settings.windowGrowthBudget()).isEqualTo(4L * (4 * 1024 * 1024 - 256 * 1024));
    }

    @Test
    void aMaxWindowBelowTheInitialWindowMeansAFixedWindow() {
        MuxSettings settings = AgentEndpoint.muxSettings(TestConfigs.gateway(Map.of(
                        "porthole.gateway.tunnel.initial-window", "8M", "porthole.gateway.tunnel.max-window", "1M"))
                .tunnel());
        assertThat(settings.initialWindow()).isEqualTo(8 * 1024 * 1024);
        assertThat(settings.maxWindow()).isEqualTo(8 * 1024 * 1024);
        assertThat(settings.windowGrowthBudget()).isZero();
    }

    @Test
    void aMaxWindowOutsideItsRangeIsReportedWithItsKey() {
        assertThat(ConfigCheck.problems(TestConfigs.gateway(Map.of("porthole.gateway.tunnel.max-window", "512"))))
                .containsExactly("porthole.gateway.tunnel.max-window: must be between 1K and 1G, was 512");
        assertThat(ConfigCheck.problems(TestConfigs.gateway(Map.of("porthole.gateway.tunnel.max-window", "2G"))))
                .containsExactly("porthole.gateway.tunnel.max-window: must be between 1K and 1G, was 2147483648");
        assertThat(ConfigCheck.problems(TestConfigs.gateway(Map.of("porthole.gateway.tunnel.max-window", "1G"))))
                .isEmpty();
    }
}
