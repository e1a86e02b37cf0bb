package dev.porthole.gateway.registry;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.RedisKeys;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The registry in Redis. Each operation is one Lua script, so that the check and the write are
 * atomic across gateway instances.
 */
@ApplicationScoped
public class RedisTunnelRegistry implements TunnelRegistry {

    /**
     * KEYS: route, reservation (absent for ports). ARGV: owner, route JSON, ttl ms, client id.
     * A reservation for another client wins; a holder with a different owner keeps the name.
     */
    private static final String CLAIM = """
            if #KEYS > 1 then
              local reserved = redis.call('GET', KEYS[2])
              if reserved and reserved ~= ARGV[4] then return {'RESERVED'} end
            end
            local current = redis.call('GET', KEYS[1])
            if current then
              local ok, route = pcall(cjson.decode, current)
              if ok and type(route) == 'table' and route.owner ~= ARGV[1] then return {'TAKEN', current} end
            end
            redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
            if current then return {'TOOK_OVER', current} end
            return {'CLAIMED'}
            """;

    /** KEYS: route. ARGV: session id, route JSON, ttl ms. */
    private static final String REFRESH = """
            local current = redis.call('GET', KEYS[1])
            if not current then
              redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
              return 'RESTORED'
            end
            local ok, route = pcall(cjson.decode, current)
            if ok and type(route) == 'table' and route.sessionId == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[3])
              return 'REFRESHED'
            end
            return 'LOST'
            """;

    /** KEYS: route. ARGV: session id. */
    private static final String RELEASE = """
            local current = redis.call('GET', KEYS[1])
            if not current then return 0 end
            local ok, route = pcall(cjson.decode, current)
            if ok and type(route) == 'table' and route.sessionId == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;

    private final RedisAPI redis;
    private final RedisKeys keys;
    private final String ttlMillis;

    public RedisTunnelRegistry(RedisAPI redis, RedisKeys keys, GatewayConfig config) {
        this.redis = redis;
        this.keys = keys;
        this.ttlMillis = String.valueOf(config.registry().ttl().toMillis());
    }

    @Override
    public Future<ClaimOutcome> claim(TunnelKey key, Route route) {
        List<String> command = key.reservable()
                ? List.of(CLAIM, "2", keys.route(key), keys.reservation(key.id()), route.owner(), route.toJson(), ttlMillis, route.clientId())
                : List.of(CLAIM, "1", keys.route(key), route.owner(), route.toJson(), ttlMillis, route.clientId());
        return redis.eval(command).map(RedisTunnelRegistry::toClaimOutcome).onSuccess(outcome -> {
            if (outcome instanceof ClaimOutcome.Claimed || outcome instanceof ClaimOutcome.TookOver) {
                announce(key);
            }
        });
    }

    @Override
    public Future<RefreshOutcome> refresh(TunnelKey key, Route route) {
        return redis.eval(List.of(REFRESH, "1", keys.route(key), route.sessionId(), route.toJson(), ttlMillis))
                .map(response -> RefreshOutcome.valueOf(response.toString())).onSuccess(outcome -> {
                    if (outcome == RefreshOutcome.RESTORED) {
                        announce(key);
                    }
                });
    }

    @Override
    public Future<Void> release(TunnelKey key, Route route) {
        return redis.eval(List.of(RELEASE, "1", keys.route(key), route.sessionId())).<Void>mapEmpty().onSuccess(released -> announce(key));
    }

    /**
     * Tells every gateway instance that a TCP port changed hands, once the change is in Redis, so
     * that they start or stop listening for it ({@code tcp.PortMirrors}); names and private tunnels
     * need no listener and are not announced. A lost message is made up for by the instances'
     * periodic scan.
     */
    private void announce(TunnelKey key) {
        if (key.kind().equals("tcp")) {
            redis.publish(keys.tcpPorts(), key.id()).onFailure(error -> Log.debugf("cannot announce TCP port %s: %s", key.id(), error.getMessage()));
        }
    }

    private static ClaimOutcome toClaimOutcome(Response response) {
        String verdict = response.get(0).toString();
        return switch (verdict) {
            case "CLAIMED" -> new ClaimOutcome.Claimed();
            case "TOOK_OVER" -> new ClaimOutcome.TookOver(Route.fromJson(response.get(1).toString()));
            case "TAKEN" -> new ClaimOutcome.Taken(Route.fromJson(response.get(1).toString()));
            case "RESERVED" -> new ClaimOutcome.Reserved();
            default -> throw new IllegalStateException("unexpected claim verdict " + verdict);
        };
    }
}
