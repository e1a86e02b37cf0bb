package dev.porthole.gateway.registry;

import dev.porthole.protocol.registry.SharedKeys;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The names of every Redis key and channel the gateway uses, under one configurable prefix: its own
 * here, and the ones it shares with the other services from {@link SharedKeys}.
 */
@ConfigMapping(prefix = "porthole.redis")
public interface RedisKeys {

    /** Prefix of every key and channel, shared by all Porthole services. */
    @WithDefault("porthole:")
    String prefix();

    /** The keys and channels every service shares, under the same prefix. */
    default SharedKeys shared() {
        return new SharedKeys(prefix());
    }

    /** Route of an HTTP tunnel: which session of which gateway holds the name. */
    default String httpRoute(String name) {
        return route(TunnelKey.http(name));
    }

    /**
     * Route of any tunnel: {@code route:http:{<name>}}, {@code route:tcp:{tcp:<port>}},
     * {@code route:private:{<name>}} or {@code route:tls:{<name>}}: tagged like the name's
     * reservation and tombstone, which the registry's scripts read with it.
     */
    default String route(TunnelKey key) {
        return prefix() + "route:" + key.kind() + ":" + SharedKeys.nameTag(key.reservationId());
    }

    /**
     * Sorted set of the public TCP ports held anywhere, scored by expiry (epoch ms): what
     * {@code PortMirrors} mirrors, read with one command instead of a scan (which in a Redis Cluster
     * would see one node only).
     */
    default String tcpRoutes() {
        return prefix() + "tcp-routes";
    }

    /** The internal {@code host:port} of a live gateway instance, expiring with the registry's ttl. */
    default String gateway(String instanceId) {
        return prefix() + "gateway:" + instanceId;
    }

    /** The owner of a random name, kept for a while after its session ended so that only that owner claims it again. */
    default String tombstone(String name) {
        return prefix() + "tombstone:" + SharedKeys.nameTag(name);
    }

    /** A name, or ({@code tcp:<port>}) a TCP port granted by number, reserved for one client by auth-service. */
    default String reservation(String name) {
        return shared().reservation(name);
    }

    /** A live session's record. */
    default String session(String sessionId) {
        return shared().session(sessionId);
    }

    /** Sorted set of live session ids, scored by expiry. */
    default String sessions() {
        return shared().sessions();
    }

    /** Sorted set of the agents holding a session for a client, scored by expiry (the client's max-sessions grant). */
    default String clientSessions(String clientId) {
        return prefix() + "client-sessions:" + clientId;
    }

    /** Sorted set of the tunnels a client holds across gateways, scored by expiry (the client's max-tunnels grant). */
    default String clientTunnels(String clientId) {
        return prefix() + "client-tunnels:" + clientId;
    }

    /**
     * A token bucket one client shares across gateways ({@code down}, {@code up} or
     * {@code requests:<tunnel>}); the hash tag puts all of a client's buckets in one Redis Cluster slot.
     */
    default String clientLimit(String clientId, String bucket) {
        return prefix() + "limit:{client:" + clientId + "}:" + bucket;
    }

    /** The event stream that notification-service consumes. */
    default String events() {
        return shared().events();
    }

    /** The ACME account's key pair, encrypted with {@code tls.acme.encryption-key}. */
    default String acmeAccount() {
        return prefix() + "acme:account";
    }

    /** An ACME certificate for {@code host}: chain and key, encrypted with {@code tls.acme.encryption-key}. */
    default String acmeCertificate(String host) {
        return prefix() + "acme:cert:" + host;
    }

    /** Held (with an expiry) by the one gateway that orders or renews the certificate for {@code host}. */
    default String acmeLock(String host) {
        return prefix() + "acme:lock:" + host;
    }

    /** The key authorization of a pending HTTP-01 challenge, answered by whichever gateway the CA reaches. */
    default String acmeChallenge(String token) {
        return prefix() + "acme:challenge:" + token;
    }

    /** Pub/sub channel for broadcasts that must act now. */
    default String control() {
        return shared().control();
    }

    /** Pub/sub channel naming a public TCP port whenever it was claimed, restored or released, so that every instance mirrors it. */
    default String tcpPorts() {
        return prefix() + "tcp-ports";
    }

    /** Pub/sub channel carrying the newest gateway configuration file to every gateway instance. */
    default String config() {
        return prefix() + "config";
    }
}
