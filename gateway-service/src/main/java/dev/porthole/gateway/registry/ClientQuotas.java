package dev.porthole.gateway.registry;

import dev.porthole.gateway.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * A client's limits across every gateway: how many agent sessions and how many tunnels it holds at
 * once (its {@code maxSessions} and {@code maxTunnels} grants). Each holding is a member of a sorted
 * set scored by its expiry, refreshed with the registry and removed when it ends; a gateway that
 * dies without removing its members lets them expire with its routes. Check and add are one Lua
 * script, so two gateways cannot both take the last place.
 */
@ApplicationScoped
public class ClientQuotas {

    /** KEYS[1] the set; ARGV: now, expiry, member, limit, ttl. 1 when the member holds a place. */
    private static final LuaScript ACQUIRE = new LuaScript("""
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
            if redis.call('ZSCORE', KEYS[1], ARGV[3]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[4]) then
              redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
              redis.call('PEXPIRE', KEYS[1], ARGV[5])
              return 1
            end
            return 0
            """);

    private final RedisAPI redis;
    private final RedisKeys keys;
    private final long ttlMillis;
    private final Clock clock;

    public ClientQuotas(RedisAPI redis, RedisKeys keys, GatewayConfig config) {
        this.redis = redis;
        this.keys = keys;
        this.ttlMillis = config.registry().ttl().toMillis();
        this.clock = Clock.systemUTC();
    }

    /** Takes a session place for the agent; true if it got one (an agent that already holds one keeps it). */
    public Future<Boolean> acquireSession(String clientId, String agentId, int limit) {
        return acquire(keys.clientSessions(clientId), agentId, limit);
    }

    /** Takes a tunnel place for the name; true if it got one. */
    public Future<Boolean> acquireTunnel(String clientId, String name, int limit) {
        return acquire(keys.clientTunnels(clientId), name, limit);
    }

    /** Extends an agent's session place. */
    public Future<Void> refreshSession(String clientId, String agentId) {
        return redis.zadd(List.of(keys.clientSessions(clientId), expiry(), agentId))
                .mapEmpty();
    }

    /** Extends the tunnel places of a live session. */
    public Future<Void> refreshTunnels(String clientId, List<String> names) {
        if (names.isEmpty()) {
            return Future.succeededFuture();
        }
        String expiry = expiry();
        List<String> args = new ArrayList<>(List.of(keys.clientTunnels(clientId)));
        names.forEach(name -> {
            args.add(expiry);
            args.add(name);
        });
        return redis.zadd(args).mapEmpty();
    }

    public Future<Void> releaseSession(String clientId, String agentId) {
        return redis.zrem(List.of(keys.clientSessions(clientId), agentId)).mapEmpty();
    }

    public Future<Void> releaseTunnel(String clientId, String name) {
        return redis.zrem(List.of(keys.clientTunnels(clientId), name)).mapEmpty();
    }

    private String expiry() {
        return String.valueOf(clock.millis() + ttlMillis);
    }

    private Future<Boolean> acquire(String key, String member, int limit) {
        long now = clock.millis();
        return ACQUIRE.run(
                        redis,
                        List.of(
                                "1",
                                key,
                                String.valueOf(now),
                                String.valueOf(now + ttlMillis),
                                member,
                                String.valueOf(limit),
                                String.valueOf(ttlMillis)))
                .map(answer -> answer.toInteger() == 1);
    }
}
