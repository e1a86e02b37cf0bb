package dev.porthole.gateway.cluster;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.GatewayInstance;
import dev.porthole.gateway.config.InternalAddress;
import dev.porthole.gateway.config.InternalCredential;
import dev.porthole.gateway.registry.RedisKeys;
import dev.porthole.gateway.registry.Route;
import dev.porthole.gateway.registry.TunnelKey;
import dev.porthole.gateway.registry.TunnelRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * This instance's membership of a cluster of gateways: it publishes its internal address in Redis
 * ({@code gateway:<id>}, expiring with the registry's ttl and refreshed with it) so that the others
 * can forward requests for its tunnels, and it checks the credential on requests they forward.
 * Without {@code porthole.gateway.cluster.internal-address} it does nothing: a single gateway.
 */
@Singleton
public class ClusterMembership {

    /** Carries {@code PORTHOLE_INTERNAL_TOKEN} on a request one gateway forwards to another. */
    public static final String TOKEN_HEADER = "X-Porthole-Gateway-Token";
    /** Names the instance that forwarded a request; its presence marks the one hop a request may take. */
    public static final String HOP_HEADER = "X-Porthole-Forwarded-By";

    private final Optional<String> address;
    private final byte[] token;
    private final RedisAPI redis;
    private final TunnelRegistry registry;
    private final RedisKeys keys;
    private final GatewayInstance instance;
    private final Vertx vertx;
    private final GatewayConfig config;
    private long timer = -1;

    public ClusterMembership(
            GatewayConfig config,
            InternalCredential credential,
            RedisAPI redis,
            TunnelRegistry registry,
            RedisKeys keys,
            GatewayInstance instance,
            Vertx vertx) {
        this.config = config;
        this.registry = registry;
        this.address = config.cluster()
                .internalAddress()
                .map(value -> InternalAddress.published(value, config.http().port()));
        this.token = credential
                .token()
                .filter(t -> !t.isBlank())
                .map(t -> t.getBytes(StandardCharsets.UTF_8))
                .orElse(null);
        this.redis = redis;
        this.keys = keys;
        this.instance = instance;
        this.vertx = vertx;
    }

    /** Whether this gateway forwards to and accepts requests from other instances. */
    public boolean enabled() {
        return address.isPresent();
    }

    public String instanceId() {
        return instance.id();
    }

    /** The shared credential, for requests this instance forwards. */
    String token() {
        return new String(token, StandardCharsets.UTF_8);
    }

    /** Whether a request's credential header carries the internal token; compared in constant time. */
    public boolean trusted(String presented) {
        if (!enabled() || presented == null) {
            return false;
        }
        return MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Asks the registry which other instances hold a tunnel or port and where they listen: the live
     * holders on other instances, the most recently refreshed first (several for an agent with HA
     * connections), with their addresses read in one {@code MGET}.
     */
    public Future<PeerRoute> locate(TunnelKey key) {
        return registry.holders(key).compose(holders -> {
            if (holders.isEmpty()) {
                return Future.succeededFuture(new PeerRoute.NotElsewhere());
            }
            List<String> elsewhere = holders.stream()
                    .map(Route::gatewayId)
                    .filter(id -> !id.equals(instance.id()))
                    .distinct()
                    .toList();
            if (elsewhere.isEmpty()) {
                return Future.succeededFuture(new PeerRoute.Here());
            }
            return redis.mget(elsewhere.stream().map(keys::gateway).toList()).map(addresses -> {
                List<PeerRoute.Peer> peers = new ArrayList<>();
                for (int i = 0; i < elsewhere.size(); i++) {
                    Response address = addresses.get(i);
                    SocketAddress parsed = address == null ? null : InternalAddress.parse(address.toString());
                    if (parsed != null) {
                        peers.add(new PeerRoute.Peer(elsewhere.get(i), parsed));
                    }
                }
                return peers.isEmpty() ? new PeerRoute.Gone(elsewhere.getFirst()) : new PeerRoute.Peers(peers);
            });
        });
    }

    void start(@Observes @Priority(10) StartupEvent startup) {
        if (address.isEmpty()) {
            return;
        }
        if (token == null) {
            String problem =
                    "porthole.gateway.cluster.internal-address is set, so gateways forward requests to each other: "
                            + "set PORTHOLE_INTERNAL_TOKEN (the same on every instance) to authenticate them";
            Log.error("invalid configuration: " + problem);
            throw new MissingInternalToken(problem);
        }
        publish()
                .toCompletionStage()
                .toCompletableFuture()
                .orTimeout(10, TimeUnit.SECONDS)
                .exceptionally(error -> {
                    Log.warnf(
                            "cannot publish this gateway's internal address in Redis (%s); retrying every %s",
                            error.getMessage(), config.registry().refreshInterval());
                    return null;
                })
                .join();
        timer = vertx.setPeriodic(
                config.registry().refreshInterval().toMillis(),
                id -> publish()
                        .onFailure(error -> Log.warnf(
                                "cannot refresh this gateway's internal address in Redis (%s); other gateways stop forwarding here once it expires",
                                error.getMessage())));
        Log.infof(
                "gateway %s forwards to and accepts from other gateways; its internal address is %s",
                instance.id(), address.get());
    }

    /** After the graceful drain (default priority), so that forwarded requests reach this instance until it stops serving. */
    void stop(@Observes @Priority(5000) ShutdownEvent shutdown) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            // Forwarding here ends with the process; the others answer 502 at once instead of failing to connect.
            redis.del(List.of(keys.gateway(instance.id())))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .orTimeout(2, TimeUnit.SECONDS)
                    .exceptionally(error -> null)
                    .join();
        }
    }

    private io.vertx.core.Future<Void> publish() {
        return redis.set(List.of(
                        keys.gateway(instance.id()),
                        address.get(),
                        "PX",
                        String.valueOf(config.registry().ttl().toMillis())))
                .mapEmpty();
    }

    /** Forwarding is on but no internal token authenticates it; stops start-up with one line, no stack trace. */
    static final class MissingInternalToken extends RuntimeException {
        MissingInternalToken(String message) {
            super(message, null, false, false);
        }
    }
}
