package dev.porthole.gateway.config;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * Runs {@link ConfigCheck} before anything else starts (listeners, Redis, the agent endpoint) and
 * stops start-up on the first mistake found, having logged every one. Single values that do not
 * even convert (a port range that is not one, a scheme that is neither http nor https) stopped
 * start-up earlier, named by the configuration library.
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
        List<String> named =
                problems.stream().map(InvalidConfigurationException::naming).toList();
        named.forEach(problem -> Log.error("invalid configuration: " + problem));
        return new InvalidConfigurationException(named);
    }
}
