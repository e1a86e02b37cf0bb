package dev.porthole.gateway.registry;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tunnels served by sessions on this gateway instance, by name. The Redis registry decides
 * who owns a name; this table is how a request finds the session fast.
 */
@ApplicationScoped
public class LocalRoutes {

    private final ConcurrentHashMap<String, TunnelOwner> http = new ConcurrentHashMap<>();

    /** Routes a name to a session, replacing an older session of the same agent. */
    public void bindHttp(String name, TunnelOwner owner) {
        http.put(name, owner);
    }

    /** Removes a route only if it still points at this session (a newer session may have taken it over). */
    public boolean unbindHttp(String name, TunnelOwner owner) {
        return http.remove(name, owner);
    }

    public Optional<TunnelOwner> http(String name) {
        return Optional.ofNullable(http.get(name));
    }

    public int httpCount() {
        return http.size();
    }
}
