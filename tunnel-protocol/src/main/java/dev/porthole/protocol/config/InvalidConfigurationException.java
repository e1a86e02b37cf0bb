package dev.porthole.protocol.config;

import java.util.List;
import org.jboss.logging.Logger;

/**
 * A service's start-up check found mistakes that span keys; start-up stops with one line per
 * mistake, each naming its property and environment variable ({@link SettingNames#naming}), the
 * same way in every service.
 */
public final class InvalidConfigurationException extends RuntimeException {

    private static final Logger LOG = Logger.getLogger(InvalidConfigurationException.class);

    private InvalidConfigurationException(String service, List<String> named) {
        super("invalid " + service + " configuration:\n  " + String.join("\n  ", named), null, false, false);
    }

    /**
     * Logs each problem ({@code invalid configuration: porthole.x.y (PORTHOLE_X_Y): ...}) and answers
     * the exception that stops {@code service}'s start-up.
     */
    public static InvalidConfigurationException logged(String service, List<String> problems) {
        List<String> named = problems.stream().map(SettingNames::naming).toList();
        named.forEach(problem -> LOG.error("invalid configuration: " + problem));
        return new InvalidConfigurationException(service, named);
    }
}
