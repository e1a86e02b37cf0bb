package dev.porthole.gateway.registry;

import io.vertx.core.Future;

/**
 * Cluster-wide ownership of tunnel names: a name is held by exactly one session across all
 * gateway instances, with an expiry that the holder refreshes, so that names of a dead gateway
 * free up by themselves.
 */
public interface TunnelRegistry {

    /** Claims an HTTP name for a session; fails when the registry cannot be reached. */
    Future<ClaimOutcome> claimHttp(String name, Route route);

    /** Extends a claim, restoring it if the key vanished. */
    Future<RefreshOutcome> refreshHttp(String name, Route route);

    /** Gives a name back, if this session still holds it. */
    Future<Void> releaseHttp(String name, Route route);
}
