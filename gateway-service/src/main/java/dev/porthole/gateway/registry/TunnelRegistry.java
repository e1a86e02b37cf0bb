package dev.porthole.gateway.registry;

import io.vertx.core.Future;

/**
 * Cluster-wide ownership of tunnel names and public TCP ports: each is held by exactly one session across all
 * gateway instances, with an expiry that the holder refreshes, so that names of a dead gateway
 * free up by themselves.
 */
public interface TunnelRegistry {

    /** Claims a name or port for a session; fails when the registry cannot be reached. */
    Future<ClaimOutcome> claim(TunnelKey key, Route route);

    /** Extends a claim, restoring it if the key vanished. */
    Future<RefreshOutcome> refresh(TunnelKey key, Route route);

    /** Gives a name or port back, if this session still holds it. */
    Future<Void> release(TunnelKey key, Route route);

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
