package dev.porthole.testing;

import io.vertx.redis.client.impl.ZModem;
import java.util.HashSet;
import java.util.Set;

/** The Redis Cluster hash slot of a key (CRC16 of its hash tag, as the cluster and the Vert.x cluster client compute it), for tests of key names. */
public final class ClusterSlots {

    private ClusterSlots() {}

    /** The slot of one key. */
    public static int slot(String key) {
        return ZModem.generate(key);
    }

    /** The distinct slots of these keys: one element when a script may touch them all in a cluster. */
    public static Set<Integer> slots(String... keys) {
        Set<Integer> slots = new HashSet<>();
        for (String key : keys) {
            slots.add(slot(key));
        }
        return slots;
    }
}
