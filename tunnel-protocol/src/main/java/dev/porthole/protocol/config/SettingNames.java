package dev.porthole.protocol.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How a configuration mistake names its setting in every Porthole service: the property and the
 * environment variable that sets it ({@code porthole.gateway.http.port (PORTHOLE_GATEWAY_HTTP_PORT)}),
 * since deployments set variables and the code's messages name properties.
 */
public final class SettingNames {

    /** A problem that starts with a Porthole property: the property, then ": " or " ". */
    private static final Pattern LEADING_PROPERTY = Pattern.compile("^(porthole\\.[A-Za-z0-9.\\-\\[\\]]+)(:? )");

    private SettingNames() {}

    /** The environment variable for a property, by MicroProfile Config's rule (upper case, every other character '_'); a list index names the list's variable. */
    public static String environmentVariable(String property) {
        return property.replaceAll("\\[\\d+]$", "")
                .replaceAll("[^A-Za-z0-9]", "_")
                .toUpperCase(Locale.ROOT);
    }

    /** {@code property (VARIABLE)}. */
    public static String both(String property) {
        return property + " (" + environmentVariable(property) + ")";
    }

    /**
     * A problem that starts with its property ({@code porthole.gateway.http.port: must be ...}, or
     * Bean Validation's {@code porthole.gateway.http.port must be ...}) with the environment variable
     * added after the property; any other text unchanged.
     */
    public static String naming(String problem) {
        var matcher = LEADING_PROPERTY.matcher(problem);
        if (!matcher.find()) {
            return problem;
        }
        return both(matcher.group(1)) + matcher.group(2) + problem.substring(matcher.end());
    }
}
