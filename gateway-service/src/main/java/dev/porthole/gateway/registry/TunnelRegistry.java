package dev.porthole.gateway.registry;

import io.vertx.core.Future;

/**
 * Cluster-wide ownership of tunnel names and public TCP ports: each is held by exactly one owner across all
 * gateway instances (through one session, or for an HTTP name of an agent with {@code --ha} through
 * several), each holding session with an expiry that it refreshes, so that names of a dead gateway
 * free up by themselves.
 */
public interface TunnelRegistry {

    /** Claims a name or port for a session; fails when the registry cannot be reached. */
    Future<ClaimOutcome> claim(TunnelKey key, Route route);

    /** Extends a claim, restoring it if the key vanished. */
    Future<RefreshOutcome> refresh(TunnelKey key, Route route);

    /** Gives this session's place back, if it still holds one; the name or port is free once no holder is left. */
    Future<Void> release(TunnelKey key, Route route);

    /** The sessions that hold a name or port now, the most recently refreshed first; empty when it is free. */
    Future<java.util.List<Route>> holders(TunnelKey key);

    /** Claims an HTTP name for a session. */
    default Future<ClaimOutcome> claimHttp(String name, Route route) {
        return claim(TunnelKey.http(name), route);
    }

    /** Extends an HTTP name's claim. */
    default Future<RefreshOutcome> refreshHttp(String name, Route route) {
        return refresh(TunnelKey.http(name), route);
    }

    /** Gives an HTTP name back. */
    default Future<Void> releaseHttp(String name, Route route) {
        return release(TunnelKey.http(name), route);
    }
}
