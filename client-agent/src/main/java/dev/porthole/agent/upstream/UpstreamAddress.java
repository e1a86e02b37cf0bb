package dev.porthole.agent.upstream;

import java.util.Locale;

/**
 * Where the agent forwards to: {@code 3000}, {@code localhost:3000}, {@code 192.168.1.5:80} or
 * {@code [::1]:8080} (IPv6 in brackets, as in URLs).
 *
 * @param host a host name or IP literal without brackets
 * @param port the TCP port
 */
public record UpstreamAddress(String host, int port) {

    public UpstreamAddress {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
        }
    }

    /** Parses {@code port}, {@code host:port} or {@code [v6]:port}; a bare port means 127.0.0.1. */
    public static UpstreamAddress parse(String text) {
        UpstreamAddress address = parseListen(text);
        if (address.port == 0) {
            throw new IllegalArgumentException("port must be between 1 and 65535, was 0");
        }
        return address;
    }

    /** Like {@link #parse}, for an address to listen on, where port 0 means any free port. */
    public static UpstreamAddress parseListen(String text) {
        String value = text.trim();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("give a port (3000) or host:port (localhost:3000)");
        }
        if (value.chars().allMatch(Character::isDigit)) {
            return new UpstreamAddress("127.0.0.1", port(value, text));
        }
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0 || close + 1 >= value.length() || value.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("'" + text + "': write an IPv6 upstream as [::1]:8080");
            }
            return new UpstreamAddress(value.substring(1, close), port(value.substring(close + 2), text));
        }
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || value.indexOf(':') != colon) {
            throw new IllegalArgumentException("'" + text + "': expected port, host:port or [ipv6]:port");
        }
        return new UpstreamAddress(
                value.substring(0, colon).toLowerCase(Locale.ROOT), port(value.substring(colon + 1), text));
    }

    /** {@code host:port}, with brackets around an IPv6 host. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private static int port(String digits, String original) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + original + "': '" + digits + "' is not a port number");
        }
    }
}
