package dev.porthole.gateway.logging;

import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import org.jboss.logging.MDC;

/**
 * Puts the client id and tunnel name into the logging MDC for the log calls inside a
 * try-with-resources block. JSON logs ({@code QUARKUS_LOG_CONSOLE_JSON_ENABLED=true}) carry them as
 * {@code mdc.client} and {@code mdc.tunnel}.
 *
 * <p>On a Vert.x context, Quarkus keeps the MDC in the context's local data, and once made, the map
 * stays there for the context's lifetime: an agent session's context lives as long as its connection,
 * and two maps that its one "agent connected" line left behind were about 450 bytes of every idle
 * session's heap (docs/performance.md). So the block's lines run on a scratch duplicate of the
 * context, whose data goes with it when the block ends; the context itself is left as it was. Off a
 * context (the thread's own MDC), the fields are set on the thread and what was there is restored
 * after. A block nested in another on a context carries only its own fields.
 */
public final class LogFields implements AutoCloseable {

    public static final String CLIENT = "client";
    public static final String TUNNEL = "tunnel";

    /** The context the block's lines run on, and the one it stands in for; null off a Vert.x context. */
    private final ContextInternal scratch;

    private final ContextInternal replaced;
    private final Object previousClient;
    private final Object previousTunnel;

    private LogFields(String client, String tunnel) {
        ContextInternal current = (ContextInternal) Vertx.currentContext();
        if (current != null) {
            scratch = current.duplicate();
            replaced = scratch.beginDispatch();
            previousClient = null;
            previousTunnel = null;
            put(CLIENT, client);
            put(TUNNEL, tunnel);
        } else {
            scratch = null;
            replaced = null;
            previousClient = client == null ? MDC.get(CLIENT) : MDC.put(CLIENT, client);
            previousTunnel = tunnel == null ? MDC.get(TUNNEL) : MDC.put(TUNNEL, tunnel);
        }
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
        if (scratch != null) {
            scratch.endDispatch(replaced);
            return;
        }
        restore(CLIENT, previousClient);
        restore(TUNNEL, previousTunnel);
    }

    private static void put(String key, String value) {
        if (value != null) {
            MDC.put(key, value);
        }
    }

    private static void restore(String key, Object previous) {
        if (previous == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, previous);
        }
    }
}
