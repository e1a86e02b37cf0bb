package dev.porthole.gateway.registry;

import dev.porthole.gateway.config.GatewayConfig;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The registry in Redis. Each operation is one Lua script ({@link RegistryScripts}), so that the check and the write are
 * atomic across gateway instances.
 *
 * <p>A record names its owner once and lists its holders ({@code holders}: gateway, session and
 * expiry of each): one holder, except for an agent with {@code --ha}, whose sessions on several
 * gateways each hold its HTTP names. Each holder refreshes and releases only its own place; the key
 * lives as long as its longest-lived holder, and the name is free once no holder is left. Expiries
 * are epoch milliseconds of the gateways' clocks (passed in, so that tests can move time).
 */
@ApplicationScoped
public class RedisTunnelRegistry implements TunnelRegistry {

    private static final LuaScript CLAIM = new LuaScript(RegistryScripts.CLAIM);
    private static final LuaScript REFRESH = new LuaScript(RegistryScripts.REFRESH);
    private static final LuaScript RELEASE = new LuaScript(RegistryScripts.RELEASE);

    private final RedisAPI redis;
    private final RedisKeys keys;
    private final long ttlMillis;
    private final long tombstoneMillis;
    private final NameGenerator names;
    private final Clock clock;

    @Inject
    public RedisTunnelRegistry(RedisAPI redis, RedisKeys keys, GatewayConfig config, NameGenerator names) {
        this(redis, keys, config.registry().ttl(), config.registry().nameTombstone(), names, Clock.systemUTC());
    }

    /** Without tombstones. */
    RedisTunnelRegistry(RedisAPI redis, RedisKeys keys, Duration ttl, Clock clock) {
        this(redis, keys, ttl, Duration.ZERO, new NameGenerator(), clock);
    }

    RedisTunnelRegistry(
            RedisAPI redis, RedisKeys keys, Duration ttl, Duration tombstone, NameGenerator names, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.ttlMillis = ttl.toMillis();
        this.tombstoneMillis = tombstone.toMillis();
        this.names = names;
        this.clock = clock;
    }

    @Override
    public Future<ClaimOutcome> claim(TunnelKey key, Route route) {
        List<String> command = new ArrayList<>();
        if (hasTombstone(key)) {
            command.addAll(
                    List.of("3", keys.route(key), keys.reservation(key.reservationId()), keys.tombstone(key.id())));
        } else {
            command.addAll(List.of("2", keys.route(key), keys.reservation(key.reservationId())));
        }
        command.addAll(List.of(
                route.owner(),
                route.toJson(),
                String.valueOf(ttlMillis),
                route.clientId(),
                now(),
                joinable(key, route),
                route.agentId(),
                route.gatewayId(),
                route.sessionId(),
                String.valueOf(tombstoneMillis)));
        return CLAIM.run(redis, command)
                .map(RedisTunnelRegistry::toClaimOutcome)
                .compose(outcome -> {
                    if (outcome instanceof ClaimOutcome.Claimed || outcome instanceof ClaimOutcome.TookOver) {
                        announce(key);
                        return indexHeld(key).map(outcome);
                    }
                    return Future.succeededFuture(outcome);
                });
    }

    @Override
    public Future<RefreshOutcome> refresh(TunnelKey key, Route route) {
        List<String> command = new ArrayList<>();
        command.addAll(routeAndTombstone(key));
        command.addAll(List.of(
                route.sessionId(),
                route.toJson(),
                String.valueOf(ttlMillis),
                now(),
                joinable(key, route),
                route.agentId(),
                route.gatewayId(),
                route.owner(),
                String.valueOf(tombstoneMillis)));
        return REFRESH.run(redis, command)
                .map(response -> RefreshOutcome.valueOf(response.toString()))
                .compose(outcome -> {
                    if (outcome == RefreshOutcome.RESTORED) {
                        announce(key);
                    }
                    return outcome == RefreshOutcome.LOST
                            ? Future.succeededFuture(outcome)
                            : indexHeld(key).map(outcome);
                });
    }

    @Override
    public Future<Void> release(TunnelKey key, Route route) {
        List<String> command = new ArrayList<>();
        command.addAll(routeAndTombstone(key));
        command.addAll(List.of(route.sessionId(), now(), String.valueOf(tombstoneMillis)));
        return RELEASE.run(redis, command)
                .<Void>mapEmpty()
                .onSuccess(released -> announce(key))
                .compose(released -> unindex(key));
    }

    /** Drops a released TCP port from {@code tcp-routes}; if that fails, the port's score expires it anyway. */
    private Future<Void> unindex(TunnelKey key) {
        if (!key.kind().equals("tcp")) {
            return Future.succeededFuture();
        }
        return redis.zrem(List.of(keys.tcpRoutes(), key.id())).<Void>mapEmpty().recover(error -> {
            Log.debugf("cannot drop TCP port %s from %s: %s", key.id(), keys.tcpRoutes(), error.getMessage());
            return Future.succeededFuture();
        });
    }

    /**
     * The public TCP ports held now, on any gateway, from the {@code tcp-routes} index: a port is
     * listed until its holder's place would have expired, so a port freed without a release (its
     * gateway died) stays listed at most the registry's ttl. One command instead of a scan of the
     * keyspace, which in a Redis Cluster sees one node only.
     */
    public Future<Set<Integer>> tcpPorts() {
        return redis.zrangebyscore(List.of(keys.tcpRoutes(), "(" + now(), "+inf"))
                .map(members -> {
                    Set<Integer> ports = new TreeSet<>();
                    for (Response member : members) {
                        try {
                            ports.add(Integer.parseInt(member.toString()));
                        } catch (NumberFormatException e) {
                            // Not a port; nothing to mirror.
                        }
                    }
                    return ports;
                });
    }

    /**
     * Lists a TCP port this session holds in the {@code tcp-routes} index until its place expires,
     * and drops the ports whose places expired (a dead gateway's). Outside the registry's script:
     * the index lives in its own slot; a failure here leaves the port to the next refresh.
     */
    private Future<Void> indexHeld(TunnelKey key) {
        if (!key.kind().equals("tcp")) {
            return Future.succeededFuture();
        }
        long now = clock.millis();
        return redis.zadd(List.of(keys.tcpRoutes(), String.valueOf(now + ttlMillis), key.id()))
                .compose(added -> redis.zremrangebyscore(keys.tcpRoutes(), "-inf", "(" + now))
                .<Void>mapEmpty()
                .recover(error -> {
                    Log.debugf("cannot list TCP port %s in %s: %s", key.id(), keys.tcpRoutes(), error.getMessage());
                    return Future.succeededFuture();
                });
    }

    /**
     * Random names keep a tombstone (issue 16.8: webhook URLs leak to whoever polls for a freed
     * name); chosen names and private names are governed by grants and reservations, ports by
     * their grants.
     */
    private boolean hasTombstone(TunnelKey key) {
        return tombstoneMillis > 0 && key.kind().equals("http") && names.looksGenerated(key.id());
    }

    private List<String> routeAndTombstone(TunnelKey key) {
        return hasTombstone(key)
                ? List.of("2", keys.route(key), keys.tombstone(key.id()))
                : List.of("1", keys.route(key));
    }

    /**
     * Tells every gateway instance that a TCP port changed hands, once the change is in Redis, so
     * that they start or stop listening for it ({@code tcp.PortMirrors}); names and private tunnels
     * need no listener and are not announced. A lost message is made up for by the instances'
     * periodic look at {@link #tcpPorts}.
     */
    private void announce(TunnelKey key) {
        if (key.kind().equals("tcp")) {
            redis.publish(keys.tcpPorts(), key.id())
                    .onFailure(error -> Log.debugf("cannot announce TCP port %s: %s", key.id(), error.getMessage()));
        }
    }

    /**
     * Every live holder, the most recently refreshed first: a holder whose gateway died stops
     * refreshing, so it sinks to the end well before its place expires.
     */
    @Override
    public Future<List<Route>> holders(TunnelKey key) {
        return redis.get(keys.route(key))
                .map(stored -> stored == null ? List.of() : holdersOf(stored.toString(), clock.millis()));
    }

    /** The live holders of a stored record; none when it is not a record. */
    static List<Route> holdersOf(String json, long now) {
        Route first = Route.fromJson(json);
        if (first == null) {
            return List.of();
        }
        JsonArray stored;
        try {
            stored = new JsonObject(json).getJsonArray("holders");
        } catch (RuntimeException e) {
            return List.of();
        }
        if (stored == null) {
            return List.of(first);
        }
        record Held(Route route, long expiresAt) {}
        List<Held> live = new ArrayList<>();
        for (Object entry : stored) {
            if (entry instanceof JsonObject holder
                    && holder.getValue("expiresAt") instanceof Number expiresAt
                    && holder.getValue("gatewayId") instanceof String gatewayId
                    && holder.getValue("sessionId") instanceof String sessionId
                    && expiresAt.longValue() > now) {
                live.add(new Held(first.heldBy(gatewayId, sessionId), expiresAt.longValue()));
            }
        }
        return live.stream()
                .sorted(Comparator.comparingLong(Held::expiresAt).reversed())
                .map(Held::route)
                .toList();
    }

    /** Only HTTP names have several holders: a TCP port or a private name is bound on one gateway (docs/architecture.md). */
    private static String joinable(TunnelKey key, Route route) {
        return route.ha() && key.kind().equals("http") ? "1" : "0";
    }

    private String now() {
        return String.valueOf(clock.millis());
    }

    private static ClaimOutcome toClaimOutcome(Response response) {
        String verdict = response.get(0).toString();
        return switch (verdict) {
            case "CLAIMED" -> new ClaimOutcome.Claimed();
            case "JOINED" ->
                new ClaimOutcome.Joined(Route.fromJson(response.get(1).toString()));
            case "TOOK_OVER" ->
                new ClaimOutcome.TookOver(Route.fromJson(response.get(1).toString()));
            // Without a holder: the tombstone of another owner.
            case "TAKEN" ->
                new ClaimOutcome.Taken(
                        response.size() > 1 ? Route.fromJson(response.get(1).toString()) : null);
            case "RESERVED" -> new ClaimOutcome.Reserved();
            default -> throw new IllegalStateException("unexpected claim verdict " + verdict);
        };
    }
}
