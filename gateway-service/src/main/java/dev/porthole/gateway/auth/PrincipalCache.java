package dev.porthole.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.porthole.protocol.auth.AgentCredentials;
import dev.porthole.protocol.auth.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Positive answers of auth-service, reused for a short time so that a reconnect storm does not
 * become an authentication storm. Bounded and keyed by a digest, so raw credentials are not kept.
 * Refusals are never cached: auth-service counts them for lockouts. A Caffeine cache: answers in use
 * are kept over one-off keys (its admission policy weighs how often a key was asked for), so a storm
 * of strangers' handshakes does not flush the answers of agents that reconnect.
 */
public final class PrincipalCache {

    private final Cache<String, Principal> entries;
    private final boolean enabled;

    public PrincipalCache(Duration ttl, int capacity, Clock clock) {
        this.enabled = !(ttl.isZero() || ttl.isNegative());
        this.entries = Caffeine.newBuilder()
                .maximumSize(capacity)
                .expireAfterWrite(enabled ? ttl : Duration.ofNanos(1))
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .executor(Runnable::run)
                .build();
    }

    /** The cache key: what decides the answer. Without credentials (public mode) the agent id decides it. */
    public static String key(AgentCredentials credentials) {
        String material = credentials.authorization() == null
                ? "public|" + credentials.agentId()
                : credentials.authorization() + "|" + credentials.clientId();
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Principal get(String key) {
        return entries.getIfPresent(key);
    }

    public void put(String key, Principal principal) {
        if (enabled) {
            entries.put(key, principal);
        }
    }

    /** Drops every answer whose principal matches. */
    public void forget(Predicate<Principal> stale) {
        entries.asMap().values().removeIf(stale);
    }

    /** How many answers are held now, after pending evictions. */
    public int size() {
        entries.cleanUp();
        return (int) entries.estimatedSize();
    }
}
