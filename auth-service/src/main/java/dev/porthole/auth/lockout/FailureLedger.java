package dev.porthole.auth.lockout;

import dev.porthole.auth.config.AuthConfig;
import dev.porthole.auth.event.EventLog;
import dev.porthole.auth.repository.RedisKeys;
import dev.porthole.protocol.auth.SourceAddress;
import dev.porthole.protocol.event.PortholeEvent.AuthFailed;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Counts authentication failures in Redis, shared by every auth-service instance, and slows down
 * repeated failures: once an address, or an address for one claimed client id, reaches its threshold
 * within a window (which starts at its first failure), further attempts are refused until the window
 * passes. An address is an IP (IPv6: its /64, {@link SourceAddress}), never a port.
 *
 * <p>A client id is counted per address, not on its own: a counter any stranger could fill would let
 * anyone who knows a client id lock its own agents out. Client secrets and tokens are 256-bit random
 * values, so the lock is not what protects them from guessing; it slows down one source and caps the
 * hashing work a source can cause.
 *
 * <p>Events: each counted failure is one {@code auth.failed} event (count 1) until the lockout starts
 * (so at most the threshold per window); when the window of an address and client id pair closes
 * and it saw two or more attempts (refused ones included), one aggregate event carries the count.
 */
@ApplicationScoped
public class FailureLedger {

    /** Reason given in aggregate events. */
    public static final String AGGREGATE_REASON = "repeated-failures";

    private static final String CHECK = """
            local wait = 0
            local function locked(key, limit)
              local count = tonumber(redis.call('GET', key) or '0')
              if count >= limit then
                local ttl = redis.call('PTTL', key)
                if ttl > wait then wait = ttl end
              end
            end
            locked(KEYS[1], tonumber(ARGV[1]))
            if ARGV[3] == '1' then locked(KEYS[2], tonumber(ARGV[2])) end
            return wait
            """;

    private static final String RECORD = """
            local window = tonumber(ARGV[1])
            if ARGV[6] == '1' then
              if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], window) end
              if ARGV[4] ~= '' then
                if redis.call('INCR', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], window) end
              end
            end
            local count = redis.call('HINCRBY', KEYS[3], 'count', 1)
            if count == 1 then
              redis.call('HSET', KEYS[3], 'address', ARGV[3], 'clientId', ARGV[4])
              redis.call('PEXPIRE', KEYS[3], window * 2 + 60000)
            end
            redis.call('HSET', KEYS[3], 'reason', ARGV[5])
            return count
            """;

    /*
     * Reads and deletes one closed pair (KEYS[1]). The windows set names pairs of every address, which
     * a Redis Cluster spreads over its nodes, so no script reads them all: whichever instance removes
     * a pair from the set (ZREM answers 1 to one caller only) takes it, so that two instances never
     * both emit the same aggregate.
     */
    private static final String TAKE_PAIR = """
            local f = redis.call('HMGET', KEYS[1], 'address', 'clientId', 'count', 'reason')
            redis.call('DEL', KEYS[1])
            if not f[3] then return {} end
            return {f[1] or '', f[2] or '', f[3], f[4] or ''}
            """;

    private static final int FLUSH_BATCH = 500;
    private static final String UNKNOWN_ADDRESS = "unknown";

    private final RedisDataSource redis;
    private final RedisKeys keys;
    private final AuthConfig.Failures config;
    private final EventLog events;
    private final Clock clock;

    public FailureLedger(RedisDataSource redis, RedisKeys keys, AuthConfig config, EventLog events, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.config = config.failures();
        this.events = events;
        this.clock = clock;
    }

    /** How long the address, or the address for this client id, is still locked out, if it is. */
    public Optional<Duration> lockedFor(String remoteAddress, String clientId) {
        String address = countedAddress(remoteAddress);
        Response wait = redis.execute(
                "EVAL",
                CHECK,
                "2",
                keys.failuresByAddress(address),
                keys.failuresByClient(nullToEmpty(clientId), address),
                String.valueOf(config.perAddress()),
                String.valueOf(config.perClient()),
                clientId == null ? "0" : "1");
        long millis = wait == null ? 0 : wait.toLong();
        return millis > 0 ? Optional.of(Duration.ofMillis(millis)) : Optional.empty();
    }

    /** Counts a failed attempt and appends its {@code auth.failed} event. */
    public void failed(String remoteAddress, String clientId, String reason) {
        String address = countedAddress(remoteAddress);
        record(address, clientId, reason, true);
        events.append(new AuthFailed(clientId, address, reason, 1, 0));
    }

    /** Counts an attempt refused because of a lockout: only towards the aggregate event. */
    public void refusedWhileLocked(String remoteAddress, String clientId) {
        record(countedAddress(remoteAddress), clientId, "locked-out", false);
    }

    /** The IP (IPv6: /64) that an address, with or without a port, counts as; anything else counts as one unknown address. */
    public static String countedAddress(String remoteAddress) {
        return SourceAddress.of(remoteAddress).orElse(UNKNOWN_ADDRESS);
    }

    /**
     * Counts in the address's slot, then lists a new pair in the windows set (its own slot, so a
     * second command): an instance that dies between the two leaves a pair that expires without its
     * aggregate event.
     */
    private void record(String address, String clientId, String reason, boolean counts) {
        long now = clock.millis();
        String pair = keys.failurePair(address, clientId);
        Response count = redis.execute(
                "EVAL",
                RECORD,
                "3",
                keys.failuresByAddress(address),
                keys.failuresByClient(nullToEmpty(clientId), address),
                pair,
                String.valueOf(config.window().toMillis()),
                String.valueOf(now),
                address,
                nullToEmpty(clientId),
                reason,
                counts ? "1" : "0");
        if (count != null && count.toLong() == 1) {
            redis.execute(
                    "ZADD",
                    keys.failureWindows(),
                    "NX",
                    String.valueOf(now + config.window().toMillis()),
                    pair);
        }
    }

    /** Emits one aggregate event per address and client id pair whose window has closed. */
    @Scheduled(
            every = "${porthole.auth.failures.flush-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void flushClosedWindows() {
        Response closed;
        try {
            closed = redis.execute(
                    "ZRANGEBYSCORE",
                    keys.failureWindows(),
                    "-inf",
                    String.valueOf(clock.millis()),
                    "LIMIT",
                    "0",
                    String.valueOf(FLUSH_BATCH));
        } catch (RuntimeException e) {
            Log.debugf("could not read closed failure windows: %s", e.getMessage());
            return;
        }
        if (closed == null) {
            return;
        }
        for (Response pair : closed) {
            try {
                if (redis.execute("ZREM", keys.failureWindows(), pair.toString())
                                .toLong()
                        == 1) {
                    emitAggregate(redis.execute("EVAL", TAKE_PAIR, "1", pair.toString()));
                }
            } catch (RuntimeException e) {
                Log.debugf("could not take the closed failure window %s: %s", pair, e.getMessage());
            }
        }
    }

    private void emitAggregate(Response fields) {
        if (fields == null || fields.size() < 4) {
            return;
        }
        String address = fields.get(0).toString();
        String clientId = fields.get(1).toString();
        int count = fields.get(2).toInteger();
        String lastReason = fields.get(3).toString();
        if (count >= 2) {
            events.append(new AuthFailed(
                    clientId.isEmpty() ? null : clientId,
                    address,
                    AGGREGATE_REASON + " (last: " + lastReason + ")",
                    count,
                    config.window().toSeconds()));
            Log.infof(
                    "%d authentication failures from %s for client %s within %s",
                    count, address, clientId.isEmpty() ? "(none)" : clientId, config.window());
        }
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
