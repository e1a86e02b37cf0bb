package dev.porthole.auth.repository;

import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Name reservations, {@code <prefix>reservation:<name>} = client id, which the gateway reads on every
 * claim so that a name reserved for one client can never be taken by another; a TCP port granted by
 * number is reserved the same way as {@code tcp:<port>}.
 */
@ApplicationScoped
public class ReservationRepository {

    /*
     * One script, so that two admins giving the same name to two clients at once cannot both win:
     * KEYS = names to hold, then names to release; ARGV[1] = client id, ARGV[2] = how many to hold.
     * Returns the first name held by another client (nothing changed), or nil.
     */
    private static final String RESERVE = """
            local hold = tonumber(ARGV[2])
            for i = 1, hold do
              local owner = redis.call('GET', KEYS[i])
              if owner and owner ~= ARGV[1] then return KEYS[i] end
            end
            for i = 1, hold do redis.call('SET', KEYS[i], ARGV[1]) end
            for i = hold + 1, #KEYS do
              if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
            end
            return nil
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
     * nothing changed.
     */
    public Optional<String> reserve(String clientId, Collection<String> hold, Collection<String> release) {
        List<String> args = new ArrayList<>();
        args.add(RESERVE);
        args.add(String.valueOf(hold.size() + release.size()));
        hold.forEach(name -> args.add(keys.reservation(name)));
        release.forEach(name -> args.add(keys.reservation(name)));
        args.add(clientId);
        args.add(String.valueOf(hold.size()));
        Response conflict = redis.execute("EVAL", args.toArray(String[]::new));
        if (conflict == null) {
            return Optional.empty();
        }
        return Optional.of(conflict.toString().substring(keys.reservation("").length()));
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
