package dev.porthole.auth.broadcast;

import dev.porthole.auth.repository.RedisKeys;
import dev.porthole.protocol.broadcast.BroadcastCodec;
import dev.porthole.protocol.broadcast.ControlBroadcast;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.pubsub.PubSubCommands;
import jakarta.enterprise.context.ApplicationScoped;

/** Publishes broadcasts that gateways must act on now, on the pub/sub channel {@code <prefix>control}. */
@ApplicationScoped
public class ControlChannel {

    private final PubSubCommands<String> pubsub;
    private final RedisKeys keys;

    public ControlChannel(RedisDataSource redis, RedisKeys keys) {
        this.pubsub = redis.pubsub(String.class);
        this.keys = keys;
    }

    /** Publishes; a Redis failure propagates so that the admin sees the action did not reach gateways. */
    public void publish(ControlBroadcast broadcast) {
        String json = BroadcastCodec.toJson(broadcast);
        pubsub.publish(keys.control(), json);
        Log.infof("broadcast %s on %s", json, keys.control());
    }
}
