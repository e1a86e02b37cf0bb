package dev.porthole.gateway.config;

import dev.porthole.protocol.config.InvalidConfigurationException;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * Runs {@link ConfigCheck} before anything else starts (listeners, Redis, the agent endpoint) and
 * stops start-up on the first mistake found, having logged every one. Single values that do not
 * even convert (a port range that is not one, a scheme that is neither http nor https) or break
 * their key's constraint (a negative port) stopped start-up earlier, named by the configuration
 * library with their environment variable ({@code dev.porthole.protocol.config.NamingConfigValidator}).
 */
@ApplicationScoped
public class StartupConfigCheck {

    void check(@Observes @Priority(1) StartupEvent startup, GatewayConfig config) {
        List<String> problems = ConfigCheck.problems(config);
        if (!problems.isEmpty()) {
            throw logged(problems);
        }
    }

    /** Logs each problem with its setting and environment variable; answers the exception that stops start-up. */
    public static InvalidConfigurationException logged(List<String> problems) {
        return InvalidConfigurationException.logged("gateway", problems);
    }
}
