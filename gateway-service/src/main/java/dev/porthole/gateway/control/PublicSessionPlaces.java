package dev.porthole.gateway.control;

import dev.porthole.gateway.auth.AgentRejectedException;
import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.registry.ClientQuotas;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Places of public sessions across gateways (issue 16.7): at most {@code auth.public-sessions-per-address}
 * per source address and {@code auth.public-sessions} in total, held in Redis like a client's
 * max-sessions places ({@code client-sessions:public@<address>}, {@code client-sessions:public*};
 * client ids hold neither character), refreshed with the registry and given back when the session ends.
 * The places of the live public sessions on this gateway are remembered here, by session id; there are
 * at most as many as the total cap allows.
 */
@ApplicationScoped
public class PublicSessionPlaces {

    /** How long a public agent refused for a cap waits before trying again. */
    static final long RETRY_SECONDS = 30;

    private static final String ALL = "public*";

    private final ClientQuotas quotas;
    private final int perAddress;
    private final int total;
    /** Session id to the address whose place it holds. */
    private final Map<String, String> held = new ConcurrentHashMap<>();

    public PublicSessionPlaces(ClientQuotas quotas, GatewayConfig config) {
        this.quotas = quotas;
        this.perAddress = config.auth().publicSessionsPerAddress();
        this.total = config.auth().publicSessions();
    }

    /** Takes the session's places, or fails with a 429 naming the cap; nothing is held after a failure. */
    Future<Void> acquire(String address, String sessionId) {
        return take(
                        byAddress(address),
                        sessionId,
                        perAddress,
                        perAddress + " public sessions from this address are open already")
                .compose(ignored -> take(
                                ALL, sessionId, total, total + " public sessions are open on this server already")
                        .onFailure(error -> quotas.releaseSession(byAddress(address), sessionId)))
                .onSuccess(ignored -> held.put(sessionId, address));
    }

    /** Extends the session's places; nothing for a session that holds none. */
    void refresh(String sessionId) {
        String address = held.get(sessionId);
        if (address != null) {
            quotas.refreshSession(byAddress(address), sessionId);
            quotas.refreshSession(ALL, sessionId);
        }
    }

    /** Gives the session's places back; nothing for a session that holds none. */
    void release(String sessionId) {
        String address = held.remove(sessionId);
        if (address != null) {
            quotas.releaseSession(byAddress(address), sessionId);
            quotas.releaseSession(ALL, sessionId);
        }
    }

    private Future<Void> take(String set, String sessionId, int limit, String full) {
        if (limit <= 0) {
            return Future.succeededFuture();
        }
        return quotas.acquireSession(set, sessionId, limit)
                .recover(error -> Future.failedFuture(new AgentRejectedException(
                        503,
                        "the gateway cannot check the public session limit right now (Redis unreachable); the agent will retry",
                        RETRY_SECONDS)))
                .compose(acquired -> acquired
                        ? Future.succeededFuture()
                        : Future.failedFuture(new AgentRejectedException(
                                429,
                                full
                                        + "; try again later, or authenticate with a token (--token) for a session of your own",
                                RETRY_SECONDS)));
    }

    private static String byAddress(String address) {
        return "public@" + address;
    }
}
