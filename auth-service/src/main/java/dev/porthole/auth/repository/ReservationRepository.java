package dev.porthole.auth.repository;

import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Name reservations, {@code <prefix>reservation:{<name>}} = client id, which the gateway reads on every
 * claim so that a name reserved for one client can never be taken by another; a TCP port granted by
 * number is reserved the same way as {@code tcp:<port>}.
 */
@ApplicationScoped
public class ReservationRepository {

    /*
     * One name at a time (KEYS[1], ARGV[1] = client id): in a Redis Cluster the names of one client
     * live on different nodes, so no script may hold them all. Returns 0 when another client holds the
     * name, 1 when this client held it already, 2 when it was free and is now this client's.
     */
    private static final String HOLD = """
            local owner = redis.call('GET', KEYS[1])
            if owner and owner ~= ARGV[1] then return 0 end
            if owner then return 1 end
            redis.call('SET', KEYS[1], ARGV[1])
            return 2
            """;

    /* Deletes the name (KEYS[1]) only if it is still the client's (ARGV[1]). */
    private static final String DROP = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0
            """;

    private final RedisDataSource redis;
    private final RedisKeys keys;

    public ReservationRepository(RedisDataSource redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /**
     * Makes {@code clientId} hold exactly {@code hold} among the names it had ({@code release} are
     * dropped if still its own). Returns the name held by another client when there is one; then
     * nothing changed: the names this call took are given back.
     *
     * <p>Each name is taken with its own compare-and-set, so a name is never held by two clients; two
     * admins granting overlapping names to two clients at once may both be refused (each gives back
     * what it took), and a gateway may see a name reserved for the moment between a take and its
     * give-back.
     */
    public Optional<String> reserve(String clientId, Collection<String> hold, Collection<String> release) {
        List<String> taken = new ArrayList<>();
        for (String name : hold) {
            long outcome = redis.execute("EVAL", HOLD, "1", keys.reservation(name), clientId)
                    .toLong();
            if (outcome == 0) {
                taken.forEach(mine -> drop(clientId, mine));
                return Optional.of(name);
            }
            if (outcome == 2) {
                taken.add(name);
            }
        }
        release.forEach(name -> drop(clientId, name));
        return Optional.empty();
    }

    private void drop(String clientId, String name) {
        redis.execute("EVAL", DROP, "1", keys.reservation(name), clientId);
    }

    /** Drops the names the client still holds. */
    public void releaseAll(String clientId, Collection<String> names) {
        reserve(clientId, List.of(), names);
    }

    /** Who holds a name, if anyone. */
    public Optional<String> holder(String name) {
        return Optional.ofNullable(redis.value(String.class).get(keys.reservation(name)));
    }
}
