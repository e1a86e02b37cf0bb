package dev.porthole.gateway.registry;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tunnels served by sessions on this gateway instance, by name. The Redis registry decides
 * who owns a name; this table is how a request finds the session fast.
 */
@ApplicationScoped
public class LocalRoutes {

    /** How long a vanished tunnel is reported as offline (502) rather than unknown (404). */
    static final Duration OFFLINE_MEMORY = Duration.ofMinutes(10);
    /** Most offline names remembered; the oldest are forgotten first. */
    static final int OFFLINE_LIMIT = 10_000;

    /** A tunnel whose agent went away: when, and why. */
    public record Offline(Instant since, String reason) {
    }

    private final ConcurrentHashMap<String, TunnelOwner> http = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, TunnelOwner> privateTunnels = new ConcurrentHashMap<>();
    private final LinkedHashMap<String, Offline> offline = new LinkedHashMap<>();
    private final Clock clock;

    public LocalRoutes() {
        this(Clock.systemUTC());
    }

    LocalRoutes(Clock clock) {
        this.clock = clock;
    }

    /** Routes a name to a session, replacing an older session of the same agent. */
    public void bindHttp(String name, TunnelOwner owner) {
        http.put(name, owner);
        synchronized (offline) {
            offline.remove(name);
        }
    }

    /** Remembers, for a while, that a tunnel's agent went away, so visitors learn it is offline rather than unknown. */
    public void markOffline(String name, String reason) {
        if (http.containsKey(name)) {
            return;
        }
        synchronized (offline) {
            offline.remove(name);
            offline.put(name, new Offline(clock.instant(), reason));
            if (offline.size() > OFFLINE_LIMIT) {
                Iterator<String> oldest = offline.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
        }
    }

    /** Why a tunnel that is not served now was served recently, if it was. */
    public Optional<Offline> offline(String name) {
        Instant cutoff = clock.instant().minus(OFFLINE_MEMORY);
        synchronized (offline) {
            for (Iterator<Map.Entry<String, Offline>> it = offline.entrySet().iterator(); it.hasNext();) {
                if (it.next().getValue().since().isBefore(cutoff)) {
                    it.remove();
                } else {
                    break;
                }
            }
            return Optional.ofNullable(offline.get(name));
        }
    }

    /** Offline names remembered now. */
    public int offlineCount() {
        synchronized (offline) {
            return offline.size();
        }
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

    /** Routes a private tunnel's name to the session that publishes it, replacing an older session of the same agent. */
    public void bindPrivate(String name, TunnelOwner owner) {
        privateTunnels.put(name, owner);
    }

    /** Removes a private route only if it still points at this session. */
    public boolean unbindPrivate(String name, TunnelOwner owner) {
        return privateTunnels.remove(name, owner);
    }

    /** The session publishing a private tunnel on this gateway. */
    public Optional<TunnelOwner> privateTunnel(String name) {
        return Optional.ofNullable(privateTunnels.get(name));
    }
}
