package dev.porthole.gateway.config;

import java.util.List;
import java.util.Locale;

/** The configuration has mistakes; start-up stops with one line per mistake, each naming its setting. */
public final class InvalidConfigurationException extends RuntimeException {

    public InvalidConfigurationException(List<String> problems) {
        super("invalid gateway configuration:\n  " + String.join("\n  ", problems), null, false, false);
    }

    /**
     * A problem as written by {@link ConfigCheck} ({@code porthole.gateway.http.port: ...}) with the
     * environment variable that sets the key added ({@code porthole.gateway.http.port
     * (PORTHOLE_GATEWAY_HTTP_PORT): ...}); a list index ({@code auth.tokens[0]}) names the list's variable.
     */
    public static String naming(String problem) {
        int colon = problem.indexOf(": ");
        if (!problem.startsWith("porthole.") || colon < 0) {
            return problem;
        }
        String key = problem.substring(0, colon);
        return key + " (" + environmentName(key) + ")" + problem.substring(colon);
    }

    /** The environment variable for a key, by MicroProfile Config's rule (upper case, every other character '_'). */
    static String environmentName(String key) {
        return key.replaceAll("\\[\\d+]$", "").replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }
}
