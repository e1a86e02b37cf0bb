package dev.porthole.gateway.logging;

import org.jboss.logging.MDC;

/**
 * Puts the client id and tunnel name into the logging MDC for the log calls inside a
 * try-with-resources block, and restores what was there after. Event loops serve many sessions, so
 * the fields are set around each log call rather than left on the thread. JSON logs
 * ({@code QUARKUS_LOG_CONSOLE_JSON_ENABLED=true}) carry them as {@code mdc.client} and {@code mdc.tunnel}.
 */
public final class LogFields implements AutoCloseable {

    public static final String CLIENT = "client";
    public static final String TUNNEL = "tunnel";

    private final Object previousClient;
    private final Object previousTunnel;

    private LogFields(String client, String tunnel) {
        this.previousClient = client == null ? MDC.get(CLIENT) : MDC.put(CLIENT, client);
        this.previousTunnel = tunnel == null ? MDC.get(TUNNEL) : MDC.put(TUNNEL, tunnel);
    }

    /** The client's fields; no tunnel. */
    public static LogFields client(String client) {
        return new LogFields(client, null);
    }

    /** The client's and the tunnel's fields. */
    public static LogFields of(String client, String tunnel) {
        return new LogFields(client, tunnel);
    }

    @Override
    public void close() {
        restore(CLIENT, previousClient);
        restore(TUNNEL, previousTunnel);
    }

    private static void restore(String key, Object previous) {
        if (previous == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, previous);
        }
    }
}
