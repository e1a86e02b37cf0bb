package dev.porthole.auth.repository;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.sortedset.SortedSetCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/** Client records in Redis: {@code <prefix>client:<id>} (JSON) and the index {@code <prefix>clients}. */
@ApplicationScoped
public class ClientRepository {

    private final RedisKeys keys;
    private final JsonCodec json;
    private final ValueCommands<String, String> values;
    private final SortedSetCommands<String, String> index;
    private final RedisDataSource redis;

    public ClientRepository(RedisDataSource redis, RedisKeys keys, JsonCodec json) {
        this.redis = redis;
        this.keys = keys;
        this.json = json;
        this.values = redis.value(String.class);
        this.index = redis.sortedSet(String.class);
    }

    /** Stores a new client; false when the id is taken. */
    public boolean create(ClientRecord client) {
        if (!values.setnx(keys.client(client.id()), json.write(client))) {
            return false;
        }
        index.zadd(keys.clients(), 0, client.id());
        return true;
    }

    /** Replaces an existing client; false when it no longer exists. */
    public boolean update(ClientRecord client) {
        String previous = values.setGet(keys.client(client.id()), json.write(client), new SetArgs().xx());
        return previous != null;
    }

    public Optional<ClientRecord> find(String clientId) {
        return Optional.ofNullable(json.read(values.get(keys.client(clientId)), ClientRecord.class));
    }

    /** Removes the client; false when it did not exist. */
    public boolean delete(String clientId) {
        index.zrem(keys.clients(), clientId);
        return redis.key().del(keys.client(clientId)) > 0;
    }

    /** One page of clients ordered by id. */
    public List<ClientRecord> page(long offset, int size) {
        List<String> ids = index.zrange(keys.clients(), offset, offset + size - 1);
        if (ids.isEmpty()) {
            return List.of();
        }
        var stored = values.mget(ids.stream().map(keys::client).toArray(String[]::new));
        return ids.stream()
                .map(id -> json.read(stored.get(keys.client(id)), ClientRecord.class))
                .filter(java.util.Objects::nonNull)
                .toList();
    }

    public long count() {
        return index.zcard(keys.clients());
    }
}
