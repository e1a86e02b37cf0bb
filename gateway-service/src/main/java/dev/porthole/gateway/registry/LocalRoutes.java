package dev.porthole.gateway.registry;

import dev.porthole.protocol.message.TunnelKind;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The tunnels served by sessions on this gateway instance, by name. The Redis registry decides
 * who owns a name; this table is how a request finds the session fast. A name may have several
 * sessions here for a moment (a reconnect before the old session let go, or two HA connections of
 * one agent that landed on this instance); requests go to the one bound last. The exception is an
 * agent's pool ({@link PoolLane}): when the session bound last is one lane of a pool, a request goes
 * to the agent's lane on the caller's event loop, or else to the agent's lanes bound here in turn; for
 * each lane it is the session bound last (a lane that reconnected replaces its own predecessor, not a
 * sibling).
 */
@Singleton
public class LocalRoutes {

    /** How long a vanished tunnel is reported as offline (502) rather than unknown (404). */
    static final Duration OFFLINE_MEMORY = Duration.ofMinutes(10);
    /** Most offline names remembered; the oldest are forgotten first. */
    static final int OFFLINE_LIMIT = 10_000;

    /** Most requests waiting here at once for a claimed tunnel to be bound; more are not made to wait. */
    static final int BIND_WAITER_LIMIT = 10_000;

    /** A tunnel whose agent went away: when, and why. */
    public record Offline(Instant since, String reason) {}

    /** Per name, the sessions serving it here, the one bound last first; never empty (the entry is removed instead). */
    private final ConcurrentHashMap<String, List<TunnelOwner>> http = new ConcurrentHashMap<>();

    private final ConcurrentHashMap<String, TunnelOwner> privateTunnels = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, TunnelOwner> privateUdpTunnels = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, TunnelOwner> tlsTunnels = new ConcurrentHashMap<>();
    private final LinkedHashMap<String, Offline> offline = new LinkedHashMap<>();
    /** Per name, who waits for it to be bound; guarded by itself, like {@code waiterCount}. */
    private final Map<String, List<BindWaiter>> waiters = new HashMap<>();

    private int waiterCount;
    private final int waiterLimit;
    private final Clock clock;

    public LocalRoutes() {
        this(Clock.systemUTC(), BIND_WAITER_LIMIT);
    }

    LocalRoutes(Clock clock) {
        this(clock, BIND_WAITER_LIMIT);
    }

    LocalRoutes(Clock clock, int waiterLimit) {
        this.clock = clock;
        this.waiterLimit = waiterLimit;
    }

    /** Routes a name to a session, ahead of any other session serving it here. */
    public void bindHttp(String name, TunnelOwner owner) {
        http.compute(name, (ignored, owners) -> {
            List<TunnelOwner> next = new ArrayList<>();
            next.add(owner);
            if (owners != null) {
                owners.stream().filter(other -> other != owner).forEach(next::add);
            }
            return serving(next);
        });
        synchronized (offline) {
            offline.remove(name);
        }
        List<BindWaiter> waiting;
        synchronized (waiters) {
            waiting = waiters.remove(name);
            if (waiting != null) {
                waiterCount -= waiting.size();
            }
        }
        if (waiting != null) {
            waiting.forEach(waiter -> waiter.bound(owner));
        }
    }

    /**
     * Calls {@code onBound} once, on the binding thread, when a session here binds the name (at once,
     * if one already serves it), unless the returned waiter is cancelled first. Empty when
     * {@link #BIND_WAITER_LIMIT} requests wait already: the caller answers without waiting.
     */
    public Optional<BindWaiter> whenBound(String name, Consumer<TunnelOwner> onBound) {
        BindWaiter waiter = new BindWaiter(name, onBound);
        synchronized (waiters) {
            if (waiterCount >= waiterLimit) {
                return Optional.empty();
            }
            waiters.computeIfAbsent(name, ignored -> new ArrayList<>()).add(waiter);
            waiterCount++;
        }
        // A binding between the caller's lookup and the registration above did not see this waiter.
        http(name).ifPresent(owner -> {
            if (forget(waiter)) {
                waiter.bound(owner);
            }
        });
        return Optional.of(waiter);
    }

    /** Requests waiting for a name to be bound now. */
    public int bindWaiters() {
        synchronized (waiters) {
            return waiterCount;
        }
    }

    private boolean forget(BindWaiter waiter) {
        synchronized (waiters) {
            List<BindWaiter> same = waiters.get(waiter.name);
            if (same == null || !same.remove(waiter)) {
                return false;
            }
            if (same.isEmpty()) {
                waiters.remove(waiter.name);
            }
            waiterCount--;
            return true;
        }
    }

    /** A request's wait for a name to be bound: completed once, by the binding or by {@link #cancel()}. */
    public final class BindWaiter {

        private final String name;
        private final Consumer<TunnelOwner> onBound;
        private final AtomicBoolean done = new AtomicBoolean();

        private BindWaiter(String name, Consumer<TunnelOwner> onBound) {
            this.name = name;
            this.onBound = onBound;
        }

        /** Stops waiting (the deadline passed); true when the name was not bound first, so the caller answers. */
        public boolean cancel() {
            forget(this);
            return done.compareAndSet(false, true);
        }

        private void bound(TunnelOwner owner) {
            if (done.compareAndSet(false, true)) {
                onBound.accept(owner);
            }
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
            for (Iterator<Map.Entry<String, Offline>> it = offline.entrySet().iterator(); it.hasNext(); ) {
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
            List<TunnelOwner> rest =
                    owners.stream().filter(other -> other != owner).toList();
            return rest.isEmpty() ? null : serving(rest);
        });
        return removed[0];
    }

    /** The session to take a request for a name here: the one bound last, or the next lane of its agent's pool. */
    public Optional<TunnelOwner> http(String name) {
        List<TunnelOwner> owners = http.get(name);
        if (owners == null) {
            return Optional.empty();
        }
        return Optional.of(owners instanceof Lanes lanes ? lanes.next() : owners.getFirst());
    }

    /**
     * A name's sessions as stored: the list itself, or, when the session bound last is a pool lane and
     * its agent has another lane here, the list with those lanes to take in turn.
     */
    private static List<TunnelOwner> serving(List<TunnelOwner> owners) {
        TunnelOwner last = owners.getFirst();
        PoolLane pool = last.poolLane();
        if (pool == null || owners.size() == 1) {
            return List.copyOf(owners);
        }
        Map<Integer, TunnelOwner> byLane = new LinkedHashMap<>();
        for (TunnelOwner owner : owners) {
            PoolLane lane = owner.poolLane();
            if (lane != null
                    && lane.agentId().equals(pool.agentId())
                    && owner.clientId().equals(last.clientId())) {
                byLane.putIfAbsent(lane.lane(), owner);
            }
        }
        return byLane.size() < 2 ? List.copyOf(owners) : new Lanes(owners, byLane.values());
    }

    /**
     * A name's sessions, bound last first, with one session per lane of the last one's agent: the lane on
     * the caller's event loop if there is one (in turn, if several are), else each in turn.
     */
    private static final class Lanes extends AbstractList<TunnelOwner> {

        private final List<TunnelOwner> owners;
        private final TunnelOwner[] lanes;
        /** Unsynchronised: event loops that race on it at most send two requests to the same lane. */
        private int turn;

        Lanes(List<TunnelOwner> owners, Collection<TunnelOwner> lanes) {
            this.owners = List.copyOf(owners);
            this.lanes = lanes.toArray(TunnelOwner[]::new);
        }

        TunnelOwner next() {
            int now = turn;
            turn = now + 1;
            // From this turn's lane on: the first on the caller's event loop (several there take turns), else this
            // turn's.
            for (int i = 0; i < lanes.length; i++) {
                TunnelOwner lane = lanes[Math.floorMod(now + i, lanes.length)];
                if (lane.onCallersEventLoop()) {
                    return lane;
                }
            }
            return lanes[Math.floorMod(now, lanes.length)];
        }

        @Override
        public TunnelOwner get(int index) {
            return owners.get(index);
        }

        @Override
        public int size() {
            return owners.size();
        }
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

    /** Routes a private TCP or UDP tunnel's name (one registry key for both: a name is of one kind). */
    public void bindPrivate(String name, TunnelKind kind, TunnelOwner owner) {
        if (kind == TunnelKind.UDP) {
            privateUdpTunnels.put(name, owner);
        } else {
            bindPrivate(name, owner);
        }
    }

    /** Removes a private TCP or UDP route only if it still points at this session. */
    public boolean unbindPrivate(String name, TunnelKind kind, TunnelOwner owner) {
        return kind == TunnelKind.UDP ? privateUdpTunnels.remove(name, owner) : unbindPrivate(name, owner);
    }

    /** The session publishing a private UDP tunnel on this gateway. */
    public Optional<TunnelOwner> privateUdpTunnel(String name) {
        return Optional.ofNullable(privateUdpTunnels.get(name));
    }

    /** The session publishing a private TCP tunnel on this gateway. */
    public Optional<TunnelOwner> privateTunnel(String name) {
        return Optional.ofNullable(privateTunnels.get(name));
    }

    /** Routes a TLS passthrough name to the session that serves it, replacing an older session of the same agent. */
    public void bindTls(String name, TunnelOwner owner) {
        tlsTunnels.put(name, owner);
    }

    /** Removes a TLS passthrough route only if it still points at this session. */
    public boolean unbindTls(String name, TunnelOwner owner) {
        return tlsTunnels.remove(name, owner);
    }

    /** The session serving a TLS passthrough name on this gateway. */
    public Optional<TunnelOwner> tls(String name) {
        return Optional.ofNullable(tlsTunnels.get(name));
    }
}
