package dev.porthole.gateway.registry;

/**
 * The registry's Lua scripts, one per operation of {@link RedisTunnelRegistry}: each checks and
 * writes a tunnel's record in one atomic step across gateway instances.
 */
final class RegistryScripts {

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
    static final String CLAIM = COMMON + TOMBSTONE + """
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
    static final String REFRESH = COMMON + TOMBSTONE + """
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
    static final String RELEASE = COMMON + TOMBSTONE + """
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

    private RegistryScripts() {}
}
