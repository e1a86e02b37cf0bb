package dev.porthole.gateway.registry;

import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
import io.quarkus.logging.Log;
import io.vertx.core.Future;

/**
 * What a claim of a port or a name ended in.
 *
 * @param result what the agent is told
 * @param previous the older session of the same agent that held it (a reconnect) and must let go, or null
 */
public record ClaimResult(TunnelResult result, Route previous) {

    public static ClaimResult of(TunnelResult result) {
        return new ClaimResult(result, null);
    }

    /** A refusal, decided without the registry. */
    public static Future<ClaimResult> refused(TunnelRequest request, int status, String message) {
        return Future.succeededFuture(of(TunnelResult.refused(request, status, message)));
    }

    /**
     * The registry could not be asked: logged, and the agent told to try again.
     *
     * @param what the tunnel being claimed, for the log ({@code TCP port 20001}, {@code private tunnel 'db'})
     */
    public static Future<ClaimResult> registryUnavailable(TunnelRequest request, String what, Throwable error) {
        Log.warnf("tunnel registry unavailable while claiming %s: %s", what, error.getMessage());
        return refused(
                request,
                TunnelResult.UNAVAILABLE,
                "the tunnel registry is unavailable right now; the agent will try again");
    }
}
