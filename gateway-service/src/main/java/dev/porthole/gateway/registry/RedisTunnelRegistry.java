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
 * The registry in Redis. Each operation is one Lua script, so that the check and the write are
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

    /**
     * Shared by every script. {@code load} parses a record, drops holders whose expiry has passed
     * and reads a record without holders (written before HA existed) as held by its top-level
     * session until the key's own expiry; {@code save} writes it back (the first holder's gateway and
     * session on top, for older readers) with the key's expiry at the last holder's, or deletes it
     * when no holder is left.
     */
    private static final String COMMON = """
            local function load(key, now)
              local current = redis.call('GET', key)
              if not current then return nil, nil end
              local ok, route = pcall(cjson.decode, current)
              if not ok or type(route) ~= 'table' then return nil, current end
              if type(route.holders) ~= 'table' then
                local pttl = redis.call('PTTL', key)
                if pttl < 0 then pttl = 0 end
                route.holders = {{gatewayId = route.gatewayId, sessionId = route.sessionId, expiresAt = now + pttl}}
              end
              local live = {}
              for _, holder in ipairs(route.holders) do
                if type(holder) == 'table' and tonumber(holder.expiresAt) and tonumber(holder.expiresAt) > now then
                  table.insert(live, holder)
                end
              end
              route.holders = live
              return route, current
            end
            local function save(key, route, now)
              if #route.holders == 0 then
                redis.call('DEL', key)
                return
              end
              local last = now + 1
              for _, holder in ipairs(route.holders) do
                if tonumber(holder.expiresAt) > last then last = tonumber(holder.expiresAt) end
              end
              route.gatewayId = route.holders[1].gatewayId
              route.sessionId = route.holders[1].sessionId
              -- cjson writes '/' as '\\/'; the owner ('client/agent') reads better, and means the same, unescaped.
              local json = string.gsub(cjson.encode(route), '\\\\/', '/')
              redis.call('SET', key, json, 'PX', string.format('%d', last - now))
            end
            local function holder(gatewayId, sessionId, expiresAt)
              return {gatewayId = gatewayId, sessionId = sessionId, expiresAt = expiresAt}
            end
            local function joinable(route, ha, agentId)
              return ha == '1' and route.ha == true and route.agentId == agentId
            end
            """;

    /**
     * Shared by the claim and refresh scripts: a random name's tombstone names its owner and lasts
     * the tombstone time beyond the name's own expiry, so that it outlives a session that ends and a
     * gateway that dies. KEYS[n] is the tombstone key when the name has one.
     */
    private static final String TOMBSTONE = """
            local function mark(key, owner, ttl, tombstone)
              if key then redis.call('SET', key, owner, 'PX', string.format('%d', ttl + tombstone)) end
            end
            """;

    /**
     * KEYS: route, reservation, tombstone (random names only). ARGV: owner, route
     * JSON, ttl ms, client id, now, ha ('1' when the session may join), agent id, gateway id, session
     * id, tombstone ms. A reservation for another client wins; a holder with a different owner keeps
     * the name, and so does a tombstone of another owner; an HA session of the holders' own agent
     * joins them; any other session of the same owner takes the name over.
     */
    private static final String CLAIM = COMMON + TOMBSTONE + """
            if #KEYS > 1 then
              local reserved = redis.call('GET', KEYS[2])
              if reserved and reserved ~= ARGV[4] then return {'RESERVED'} end
            end
            local now = tonumber(ARGV[5])
            local expiresAt = now + tonumber(ARGV[3])
            local route, current = load(KEYS[1], now)
            local held = route and #route.holders > 0
            if held and route.owner ~= ARGV[1] then return {'TAKEN', current} end
            local tombstone = KEYS[3]
            if tombstone then
              local owner = redis.call('GET', tombstone)
              if owner and owner ~= ARGV[1] then return {'TAKEN'} end
              mark(tombstone, ARGV[1], tonumber(ARGV[3]), tonumber(ARGV[10]))
            end
            if held and joinable(route, ARGV[6], ARGV[7]) then
              local holders = {}
              for _, h in ipairs(route.holders) do
                if h.sessionId ~= ARGV[9] then table.insert(holders, h) end
              end
              table.insert(holders, holder(ARGV[8], ARGV[9], expiresAt))
              route.holders = holders
              save(KEYS[1], route, now)
              return {'JOINED', current}
            end
            local fresh = cjson.decode(ARGV[2])
            fresh.holders = {holder(ARGV[8], ARGV[9], expiresAt)}
            save(KEYS[1], fresh, now)
            if held then return {'TOOK_OVER', current} end
            return {'CLAIMED'}
            """;

    /**
     * KEYS: route, tombstone (random names only). ARGV: session id, route JSON, ttl ms, now, ha,
     * agent id, gateway id, owner, tombstone ms. Extends this session's place (and the tombstone);
     * writes the record again if it vanished or every place expired; takes a place again for an HA
     * session whose place alone expired; else the name is lost.
     */
    private static final String REFRESH = COMMON + TOMBSTONE + """
            local now = tonumber(ARGV[4])
            local expiresAt = now + tonumber(ARGV[3])
            local route, current = load(KEYS[1], now)
            if not current or (route and #route.holders == 0) then
              local fresh = cjson.decode(ARGV[2])
              fresh.holders = {holder(ARGV[7], ARGV[1], expiresAt)}
              save(KEYS[1], fresh, now)
              mark(KEYS[2], ARGV[8], tonumber(ARGV[3]), tonumber(ARGV[9]))
              return 'RESTORED'
            end
            if not route then return 'LOST' end
            for _, h in ipairs(route.holders) do
              if h.sessionId == ARGV[1] then
                h.expiresAt = expiresAt
                save(KEYS[1], route, now)
                mark(KEYS[2], ARGV[8], tonumber(ARGV[3]), tonumber(ARGV[9]))
                return 'REFRESHED'
              end
            end
            if route.owner == ARGV[8] and joinable(route, ARGV[5], ARGV[6]) then
              table.insert(route.holders, holder(ARGV[7], ARGV[1], expiresAt))
              save(KEYS[1], route, now)
              mark(KEYS[2], ARGV[8], tonumber(ARGV[3]), tonumber(ARGV[9]))
              return 'RESTORED'
            end
            return 'LOST'
            """;

    /**
     * KEYS: route, tombstone (random names only). ARGV: session id, now, tombstone ms. Removes this
     * session's place; the name is free when none is left, to its owner alone while the tombstone lasts.
     */
    private static final String RELEASE = COMMON + TOMBSTONE + """
            local now = tonumber(ARGV[2])
            local route = load(KEYS[1], now)
            if not route then return 0 end
            local kept = {}
            local found = false
            for _, h in ipairs(route.holders) do
              if h.sessionId == ARGV[1] then found = true else table.insert(kept, h) end
            end
            if not found then return 0 end
            route.holders = kept
            save(KEYS[1], route, now)
            if #kept == 0 and type(route.owner) == 'string' then mark(KEYS[2], route.owner, 0, tonumber(ARGV[3])) end
            return 1
            """;

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
        List<String> command = new ArrayList<>(List.of(CLAIM));
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
        return redis.eval(command).map(RedisTunnelRegistry::toClaimOutcome).compose(outcome -> {
            if (outcome instanceof ClaimOutcome.Claimed || outcome instanceof ClaimOutcome.TookOver) {
                announce(key);
                return indexHeld(key).map(outcome);
            }
            return Future.succeededFuture(outcome);
        });
    }

    @Override
    public Future<RefreshOutcome> refresh(TunnelKey key, Route route) {
        List<String> command = new ArrayList<>(List.of(REFRESH));
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
        return redis.eval(command)
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
        List<String> command = new ArrayList<>(List.of(RELEASE));
        command.addAll(routeAndTombstone(key));
        command.addAll(List.of(route.sessionId(), now(), String.valueOf(tombstoneMillis)));
        return redis.eval(command)
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
