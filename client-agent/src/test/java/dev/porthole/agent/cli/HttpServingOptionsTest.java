package dev.porthole.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.agent.tunnel.AgentExit;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

/**
 * How HTTP tunnels reach their local services: a bound of no upstream connections is refused before the
 * agent connects (it would leave every request waiting for a connection until the upstream timeout), and
 * the agent's bound is split among a pool's connections.
 */
@QuarkusMainTest
class HttpServingOptionsTest {

    @Test
    @Launch(
            value = {"http", "3000", "--max-upstream-connections", "0"},
            exitCode = AgentExit.CONFIG_ERROR)
    void noUpstreamConnectionsIsAConfigurationError(LaunchResult result) {
        assertThat(result.getErrorOutput()).contains("--max-upstream-connections must be at least 1 (was 0)");
    }

    @Test
    void eachOfAPoolsConnectionsKeepsAnEvenShareOfTheBoundAndAtLeastOne() {
        HttpServingOptions options = new HttpServingOptions();
        options.maxUpstreamConnections = 100;
        assertThat(options.perEventLoop(1)).isEqualTo(100);
        assertThat(options.perEventLoop(3)).isEqualTo(33);
        options.maxUpstreamConnections = 2;
        assertThat(options.perEventLoop(4)).isEqualTo(1);
    }
}
