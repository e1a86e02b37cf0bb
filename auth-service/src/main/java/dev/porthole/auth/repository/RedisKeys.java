package dev.porthole.auth.repository;

import dev.porthole.auth.config.RedisConfig;
import dev.porthole.protocol.registry.SharedKeys;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Every Redis key and channel auth-service reads or writes, under the shared prefix: its own here,
 * and the ones it shares with the other services from {@link SharedKeys} (docs/auth-service.md lists
 * them).
 */
@ApplicationScoped
public class RedisKeys {

    private final String prefix;
    private final SharedKeys shared;

    public RedisKeys(RedisConfig config) {
        this.prefix = config.prefix();
        this.shared = new SharedKeys(prefix);
    }

    public String prefix() {
        return prefix;
    }

    /** JSON client record. */
    public String client(String clientId) {
        return prefix + "client:" + clientId;
    }

    /** Sorted set of client ids (all score 0, so ordered by id) for paged listing. */
    public String clients() {
        return prefix + "clients";
    }

    /** JSON record of an issued static token or JWT. */
    public String token(String tokenId) {
        return prefix + "token:" + tokenId;
    }

    /** Static token id by the SHA-256 (hex) of the token. */
    public String tokenHash(String sha256Hex) {
        return prefix + "token-hash:" + sha256Hex;
    }

    /** Set of the token ids issued to a client. */
    public String clientTokens(String clientId) {
        return prefix + "client-tokens:" + clientId;
    }

    /** Marker for a revoked JWT ({@code jti}), kept until the JWT would have expired. */
    public String revokedJwt(String jti) {
        return prefix + "revoked-jwt:" + jti;
    }

    /** Marks a console session logged out, by the SHA-256 (hex) of its admin JWT; expires with the JWT. */
    public String consoleLogout(String sha256Hex) {
        return prefix + "console-logout:" + sha256Hex;
    }

    /** Hash with the current and previous JWT signing secrets. */
    public String signingKeys() {
        return prefix + "signing-keys";
    }

    /** The client that holds a subdomain or private-tunnel name, or ({@code tcp:<port>}) a TCP port granted by number. */
    public String reservation(String name) {
        return shared.reservation(name);
    }

    /** A live session, written by its gateway. */
    public String session(String sessionId) {
        return shared.session(sessionId);
    }

    /** Marks a session an administrator kicked, so that a gateway that missed the broadcast still closes it when it resynchronises. */
    public String kicked(String sessionId) {
        return prefix + "kicked:" + sessionId;
    }

    /** Sorted set of live session ids scored by expiry (epoch ms), written by gateways. */
    public String sessions() {
        return shared.sessions();
    }

    /** Redis Stream of events for notification-service. */
    public String events() {
        return shared.events();
    }

    /** Pub/sub channel of broadcasts that must act now. */
    public String control() {
        return shared.control();
    }

    /**
     * Failure counter of one remote address for the current window. The keys about one address
     * carry it as their hash tag, so that the failure ledger's scripts touch one slot of a Redis
     * Cluster while different addresses spread over it.
     */
    public String failuresByAddress(String address) {
        return prefix + "auth-failures:{" + address + "}:address";
    }

    /** Failure counter of one claimed client id from one address for the current window. */
    public String failuresByClient(String clientId, String address) {
        return prefix + "auth-failures:{" + address + "}:client:" + clientId;
    }

    /** Hash summing the failures of one address and client id pair, for the aggregate event. */
    public String failurePair(String address, String clientId) {
        return prefix + "auth-failures:{" + address + "}:pair:" + (clientId == null ? "" : clientId);
    }

    /** Sorted set of failure pairs scored by the end of their window (epoch ms). */
    public String failureWindows() {
        return prefix + "auth-failures:windows";
    }
}
