package dev.porthole.gateway.registry;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tunnels served by sessions on this gateway instance, by name. The Redis registry decides
 * who owns a name; this table is how a request finds the session fast. A name may have several
 * sessions here for a moment (a reconnect before the old session let go, or two HA connections of
 * one agent that landed on this instance); requests go to the one bound last.
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

    /** Per name, the sessions serving it here, the one bound last first; never empty (the entry is removed instead). */
    private final ConcurrentHashMap<String, List<TunnelOwner>> http = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, TunnelOwner> privateTunnels = new ConcurrentHashMap<>();
    private final LinkedHashMap<String, Offline> offline = new LinkedHashMap<>();
    private final Clock clock;

    public LocalRoutes() {
        this(Clock.systemUTC());
    }

    LocalRoutes(Clock clock) {
        this.clock = clock;
    }

    /** Routes a name to a session, ahead of any other session serving it here. */
    public void bindHttp(String name, TunnelOwner owner) {
        http.compute(name, (ignored, owners) -> {
            List<TunnelOwner> next = new ArrayList<>();
            next.add(owner);
            if (owners != null) {
                owners.stream().filter(other -> other != owner).forEach(next::add);
            }
            return List.copyOf(next);
        });
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

    /**
     * Removes this session's route; true when it had one. Other sessions serving the name here (a
     * newer one that took it over, or another HA connection of the agent) keep theirs.
     */
    public boolean unbindHttp(String name, TunnelOwner owner) {
        boolean[] removed = new boolean[1];
        http.computeIfPresent(name, (ignored, owners) -> {
            removed[0] = owners.contains(owner);
            List<TunnelOwner> rest = owners.stream().filter(other -> other != owner).toList();
            return rest.isEmpty() ? null : rest;
        });
        return removed[0];
    }

    /** The session bound last for a name here. */
    public Optional<TunnelOwner> http(String name) {
        List<TunnelOwner> owners = http.get(name);
        return owners == null ? Optional.empty() : Optional.of(owners.getFirst());
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
