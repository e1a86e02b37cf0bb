package dev.porthole.gateway.config;

import io.vertx.core.net.SocketAddress;

/**
 * A gateway instance's internal address: configured as {@code host}, {@code host:port} or
 * {@code [ipv6]:port} (a bare host or IPv6 literal means the public listener's port), and published
 * in Redis as {@code host:port} ({@code [ipv6]:port}).
 */
public final class InternalAddress {

    private InternalAddress() {}

    /** What is wrong with a configured value; null when it is fine. */
    public static String problem(String value) {
        return split(value, 1) == null
                ? "must be host, host:port or [ipv6]:port with a port between 1 and 65535, was '" + value + "'"
                : null;
    }

    /** The address to publish, with {@code defaultPort} when the value names none; null for a value {@link #problem} rejects. */
    public static String published(String value, int defaultPort) {
        SocketAddress address = split(value, defaultPort);
        if (address == null) {
            return null;
        }
        return (address.host().contains(":") ? "[" + address.host() + "]" : address.host()) + ":" + address.port();
    }

    /** Parses a published address; null for anything else (a corrupt Redis entry). */
    public static SocketAddress parse(String value) {
        return value == null ? null : split(value, -1);
    }

    private static SocketAddress split(String value, int defaultPort) {
        String trimmed = value.trim();
        if (trimmed.isEmpty() || trimmed.contains("/") || trimmed.contains(" ")) {
            return null;
        }
        String host;
        String port;
        if (trimmed.startsWith("[")) {
            int close = trimmed.indexOf(']');
            if (close < 2) {
                return null;
            }
            host = trimmed.substring(1, close);
            String rest = trimmed.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                return null;
            }
            port = rest.isEmpty() ? null : rest.substring(1);
        } else if (trimmed.indexOf(':') != trimmed.lastIndexOf(':')) {
            host = trimmed;
            port = null;
        } else {
            int colon = trimmed.indexOf(':');
            host = colon < 0 ? trimmed : trimmed.substring(0, colon);
            port = colon < 0 ? null : trimmed.substring(colon + 1);
        }
        if (host.isEmpty()) {
            return null;
        }
        int number;
        if (port == null) {
            number = defaultPort;
        } else {
            try {
                number = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        if (number < 1 || number > 65535) {
            return null;
        }
        return SocketAddress.inetSocketAddress(number, host);
    }
}
