package dev.porthole.gateway.config;

/**
 * An inclusive range of TCP ports, written {@code 20000-20999}.
 *
 * @param first the lowest port
 * @param last the highest port
 */
public record PortRange(int first, int last) {

    public PortRange {
        if (first < 1 || last > 65535 || first > last) {
            throw new IllegalArgumentException(
                    "must be first-last with 1 <= first <= last <= 65535, was " + first + "-" + last);
        }
    }

    /** Parses {@code first-last}; a single port is a range of one. */
    public static PortRange parse(String text) {
        String value = text.trim();
        int dash = value.indexOf('-');
        try {
            if (dash < 0) {
                int port = Integer.parseInt(value);
                return new PortRange(port, port);
            }
            return new PortRange(
                    Integer.parseInt(value.substring(0, dash).trim()),
                    Integer.parseInt(value.substring(dash + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a port range like 20000-20999");
        }
    }

    /** Reads {@code tcp.port-range}: a bad value stops start-up with the setting's name and this message. */
    public static final class Converter implements org.eclipse.microprofile.config.spi.Converter<PortRange> {
        @Override
        public PortRange convert(String value) {
            return parse(value);
        }
    }

    public boolean contains(int port) {
        return port >= first && port <= last;
    }

    public int size() {
        return last - first + 1;
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
