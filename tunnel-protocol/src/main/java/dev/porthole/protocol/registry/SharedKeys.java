package dev.porthole.protocol.registry;

import dev.porthole.protocol.broadcast.BroadcastCodec;
import java.util.Objects;

/**
 * The Redis keys and channels that more than one service reads or writes, defined here once; each
 * service names its own keys itself. Every name starts with the deployment's prefix (default
 * {@code porthole:}), which all services of one deployment share. docs/architecture.md lists them
 * with their types and writers.
 *
 * <p>Redis Cluster: a key about one name or port carries that name (its reservation id) as a hash
 * tag, {@code {<name>}} ({@link #nameTag}), so that the reservation, the routes of every kind and the
 * tombstone of one name share a slot and one registry script may touch them all, while different
 * names spread over the cluster.
 *
 * @param prefix the key prefix
 */
public record SharedKeys(String prefix) {

    public SharedKeys {
        Objects.requireNonNull(prefix, "prefix");
    }

    /** Redis Stream of events: gateways and auth-service append, notification-service consumes. */
    public String events() {
        return prefix + "events";
    }

    /** Pub/sub channel of broadcasts that must act now (kicks, revocations, grant changes). */
    public String control() {
        return BroadcastCodec.channel(prefix);
    }

    /** A live session's {@link SessionRecord}, written by its gateway, read by auth-service's admin API. */
    public String session(String sessionId) {
        return prefix + "session:" + sessionId;
    }

    /** Sorted set of live session ids scored by expiry (epoch ms), written by gateways. */
    public String sessions() {
        return prefix + "sessions";
    }

    /**
     * The client that holds a subdomain or private-tunnel name, or ({@code tcp:<port>}) a TCP port
     * granted by number: written by auth-service, read by gateways on every claim.
     */
    public String reservation(String name) {
        return prefix + "reservation:" + nameTag(name);
    }

    /**
     * The hash tag of the keys about one name or port: {@code {<reservation id>}} (the name, or
     * {@code tcp:<port>}). Names and ports hold no braces, so the tag is the whole id.
     */
    public static String nameTag(String reservationId) {
        return "{" + reservationId + "}";
    }
}
