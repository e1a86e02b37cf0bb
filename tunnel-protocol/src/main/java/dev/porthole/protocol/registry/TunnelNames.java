package dev.porthole.protocol.registry;

import java.util.regex.Pattern;

/** The rule for tunnel names, the same on the gateway (claims, addressing) and the agent (its flags and porthole.yml): one DNS label, lower case, so that {@code <name>.<domain>} is a valid host. */
public final class TunnelNames {

    private static final Pattern LABEL = Pattern.compile("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$");

    private TunnelNames() {}

    /** Why {@code name} cannot be a tunnel name, or null when it can. */
    public static String problem(String name) {
        if (name.isEmpty() || name.length() > 63) {
            return "a tunnel name must be 1 to 63 characters long";
        }
        if (!LABEL.matcher(name).matches()) {
            return "a tunnel name may contain only lower-case letters, digits and inner hyphens, like 'my-app'";
        }
        return null;
    }
}
