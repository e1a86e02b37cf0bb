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

    /**
     * What the claim of a name only one session may hold (a private or a TLS tunnel) means for the
     * agent: {@code granted}, with the older session of the same agent that must let go of it after a
     * reconnect, or refused because another client holds or reserved the name.
     *
     * @param what the tunnel, as messages name it ({@code private tunnel 'db'})
     * @param taken what the agent is told when another client holds it
     * @param pickAnother how the agent picks another name ({@code pick another --name})
     */
    public static Future<ClaimResult> ofSoleHolder(
            Future<ClaimOutcome> claim,
            TunnelRequest request,
            TunnelResult granted,
            String what,
            String taken,
            String pickAnother) {
        return claim.map(outcome -> switch (outcome) {
                    // Joined does not happen: only HTTP names have several holders (RedisTunnelRegistry).
                    case ClaimOutcome.Claimed _, ClaimOutcome.Joined _ -> of(granted);
                    case ClaimOutcome.TookOver tookOver -> new ClaimResult(granted, tookOver.previous());
                    case ClaimOutcome.Taken _ -> of(TunnelResult.refused(request, TunnelResult.CONFLICT, taken));
                    case ClaimOutcome.Reserved _ ->
                        of(TunnelResult.refused(
                                request,
                                TunnelResult.FORBIDDEN,
                                "name '" + granted.name() + "' is reserved for another client; " + pickAnother));
                })
                .recover(error -> registryUnavailable(request, what, error));
    }
}
