package dev.porthole.notification.config;

import dev.porthole.protocol.registry.SharedKeys;

/**
 * Every Redis key this service reads or writes, under the configured prefix (default
 * {@code porthole:}): its own, and the event stream it shares with the other services from
 * {@link SharedKeys}. docs/notification-service.md lists them with their types.
 *
 * @param prefix the key prefix
 */
public record RedisKeys(String prefix) {

    /** Stream of events written by gateways and auth-service; read with a consumer group. */
    public String events() {
        return new SharedKeys(prefix).events();
    }

    /** Stream of entries that could not be delivered, with the reason. */
    public String deadLetters() {
        return prefix + "events:dead";
    }

    /** Set of the ids of channels created over the admin API. */
    public String channelIndex() {
        return prefix + "notify:channels";
    }

    /** JSON of one channel created over the admin API. */
    public String channel(String id) {
        return prefix + "notify:channel:" + id;
    }

    /** Bucket4j state of one channel's rate limit, shared by every replica. */
    public String rateBucket(String channelId, String limitsFingerprint) {
        return prefix + "notify:rate:" + channelId + ":" + limitsFingerprint;
    }
}
