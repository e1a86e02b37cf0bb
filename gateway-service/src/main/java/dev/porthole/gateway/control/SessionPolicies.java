package dev.porthole.gateway.control;

import dev.porthole.gateway.policy.EdgePolicy;
import java.util.HashMap;
import java.util.Map;

/**
 * The edge policies of one session's HTTP tunnels, by tunnel name: set once per tunnel while its
 * claim completes, read by visitors' event loops on every request. Copied on write, so that a read
 * takes no lock and an idle session with no policy holds an empty map only.
 */
final class SessionPolicies {

    private volatile Map<String, EdgePolicy> byTunnel = Map.of();

    /** Puts a granted tunnel's policy in force (before its route is bound); an empty one is not kept. */
    synchronized void enforce(String tunnel, EdgePolicy policy) {
        if (!policy.isEmpty()) {
            Map<String, EdgePolicy> more = new HashMap<>(byTunnel);
            more.put(tunnel, policy);
            byTunnel = Map.copyOf(more);
        }
    }

    EdgePolicy of(String tunnel) {
        return byTunnel.getOrDefault(tunnel, EdgePolicy.NONE);
    }

    /** A tunnel's policy as the session record and events show it. */
    String describe(String tunnel) {
        return of(tunnel).toString();
    }

    /** Releases what the policies hold (their rate limiters, OIDC clients); the session is over. */
    void closeAll() {
        byTunnel.values().forEach(EdgePolicy::close);
    }
}
