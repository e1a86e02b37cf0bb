package dev.porthole.gateway.auth;

import dev.porthole.protocol.auth.AgentCredentials;
import dev.porthole.protocol.auth.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Positive answers of auth-service, reused for a short time so that a reconnect storm does not
 * become an authentication storm. Bounded (least recently used first out) and keyed by a digest, so
 * raw credentials are not kept. Refusals are never cached: auth-service counts them for lockouts.
 */
public final class PrincipalCache {

    private record Cached(Principal principal, Instant expires) {
    }

    private final Duration ttl;
    private final int capacity;
    private final Clock clock;
    private final LinkedHashMap<String, Cached> entries;

    public PrincipalCache(Duration ttl, int capacity, Clock clock) {
        this.ttl = ttl;
        this.capacity = capacity;
        this.clock = clock;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
                return size() > PrincipalCache.this.capacity;
            }
        };
    }

    /** The cache key: what decides the answer. Without credentials (public mode) the agent id decides it. */
    public static String key(AgentCredentials credentials) {
        String material = credentials.authorization() == null
                ? "public|" + credentials.agentId()
                : credentials.authorization() + "|" + credentials.clientId();
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public synchronized Principal get(String key) {
        Cached entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (!clock.instant().isBefore(entry.expires())) {
            entries.remove(key);
            return null;
        }
        return entry.principal();
    }

    public synchronized void put(String key, Principal principal) {
        if (ttl.isZero() || ttl.isNegative()) {
            return;
        }
        entries.put(key, new Cached(principal, clock.instant().plus(ttl)));
    }

    /** Drops every answer whose principal matches. */
    public synchronized void forget(Predicate<Principal> stale) {
        entries.values().removeIf(entry -> stale.test(entry.principal()));
    }

    public synchronized int size() {
        return entries.size();
    }
}
