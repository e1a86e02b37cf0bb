package dev.porthole.agent.inspect;

import dev.porthole.agent.upstream.ExchangeTap;
import dev.porthole.agent.upstream.UpstreamAddress;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * Starts the traffic inspector for an agent run: the store that records exchanges, the replayer and
 * the web server. If the inspector cannot listen (port taken), the agent goes on without it.
 */
public final class Inspector {

    private Inspector() {}

    /**
     * Starts the inspector if enabled. Completes with the tap to give the HTTP upstream: the store
     * when the inspector runs, {@link ExchangeTap#NONE} when it is off or could not start.
     */
    public static Future<ExchangeTap> start(Vertx vertx, InspectorSettings settings) {
        return start(vertx, settings, null);
    }

    /** The same, also serving the agent's state on {@code /api/status} for {@code porthole status}. */
    public static Future<ExchangeTap> start(Vertx vertx, InspectorSettings settings, Supplier<JsonObject> status) {
        if (!settings.enabled()) {
            return Future.succeededFuture(ExchangeTap.NONE);
        }
        ExchangeStore store = new ExchangeStore(
                settings.maxRequests(), settings.maxBytes(), (int) settings.bodyCap(), Clock.systemUTC());
        Replayer replayer = new Replayer(vertx, store, settings.replayTimeout());
        InspectorServer server = new InspectorServer(vertx, store, replayer, new InspectorPages(), settings.loopback())
                .withStatus(status);
        return server.listen(settings.address().host(), settings.address().port())
                .map(listening -> {
                    if (!settings.loopback()) {
                        Log.warnf(
                                "the inspector listens on %s, which is not a loopback address: anyone who can reach it sees request bodies",
                                settings.address());
                    }
                    Log.infof("inspector at %s", settings.url());
                    return (ExchangeTap) store;
                })
                .recover(error -> {
                    String why = error instanceof BindException
                                    || String.valueOf(error.getMessage()).contains("in use")
                            ? settings.address() + " is in use (another porthole agent?)"
                            : "cannot listen on " + settings.address() + ": " + error.getMessage();
                    Log.warnf(
                            "inspector not started: %s; the tunnel works without it. %s",
                            why, otherAddressHint(settings.address()));
                    return Future.succeededFuture(ExchangeTap.NONE);
                });
    }

    /** Ports after a busy one tried for the hint. */
    static final int HINT_PORTS = 20;

    /**
     * What to do when the inspector's address is taken: a port after it that is free right now (tried by binding it for a
     * moment, at most {@link #HINT_PORTS}), or the advice to turn the inspector off.
     */
    static String otherAddressHint(UpstreamAddress busy) {
        for (int port = busy.port() + 1; port <= Math.min(busy.port() + HINT_PORTS, 65_535); port++) {
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getByName(busy.host()))) {
                return "Pick another address with --inspect-address " + new UpstreamAddress(busy.host(), port)
                        + " (free just now), or turn it off with --no-inspect";
            } catch (IOException e) {
                // taken (or not bindable): try the next one
            }
        }
        return "Pick a free port with --inspect-address " + busy.host() + ":<port>, or turn it off with --no-inspect";
    }
}
