package dev.porthole.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.registry.RedisKeys;
import dev.porthole.testing.RedisServerProcess;
import io.github.bucket4j.TimeMeter;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two "gateways" in one JVM, each with its own Redis connection, drawing from one client's bucket in
 * a real redis-server: together they get the rate once (within the documented accuracy), and while
 * Redis is away each falls back to its own bucket and says so, until Redis answers again.
 */
class SharedLimitsTest {

    /** The accuracy docs/operations.md promises ("Limits across gateways"). */
    private static final double ACCURACY = 0.10;

    private static final long RATE = 2_000_000;
    private static final int CHUNK = 16 * 1024;

    private static RedisServerProcess server;
    private static Vertx vertx;
    private static final RedisKeys KEYS = () -> "porthole:";

    private final List<Boolean> switches = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startRedis() {
        server = RedisServerProcess.startOnFreePort();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopRedis() {
        vertx.close()
                .toCompletionStage()
                .toCompletableFuture()
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
        server.close();
    }

    @AfterEach
    void redisBack() {
        server.start();
        server.flushAll();
    }

    /** One gateway's view of Redis: its own connection (opened before the clock starts), its own fallback state. */
    private SharedBuckets gateway() {
        SharedBuckets gateway =
                new SharedBuckets(RedisAPI.api(Redis.createClient(vertx, server.url())), KEYS, vertx, switches::add);
        gateway.lease(gateway.key("warm-up", "down"), 1, 1, 1, 1000)
                .toCompletionStage()
                .toCompletableFuture()
                .join();
        return gateway;
    }

    private static SharedRate download(SharedBuckets gateway, String client, long rate) {
        return new SharedRate(
                gateway,
                gateway.key(client, "down"),
                new Rate(rate, LimitPolicy.BYTE_BURST, TimeMeter.SYSTEM_NANOTIME),
                LimitPolicy.BYTE_BURST,
                TimeMeter.SYSTEM_NANOTIME);
    }

    /** Writes chunks as fast as the bucket lets, as a throttled stream would, for {@code during}; the bytes written. */
    private static CompletableFuture<Long> spend(TokenBucket bucket, Duration during) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        AtomicLong spent = new AtomicLong();
        long end = System.nanoTime() + during.toNanos();
        vertx.runOnContext(ignored -> new Runnable() {
            @Override
            public void run() {
                long wait = 0;
                while (wait == 0) {
                    if (System.nanoTime() >= end) {
                        done.complete(spent.get());
                        return;
                    }
                    wait = bucket.waitNanos();
                    if (wait == 0) {
                        spent.addAndGet(CHUNK);
                        wait = bucket.take(CHUNK);
                    }
                }
                vertx.setTimer(Math.max(1, wait / 1_000_000), id -> run());
            }
        }.run());
        return done;
    }

    @Test
    void twoGatewaysDrawTheClientsRateInTotal() {
        SharedRate first = download(gateway(), "c1", RATE);
        SharedRate second = download(gateway(), "c1", RATE);
        Duration during = Duration.ofSeconds(3);

        CompletableFuture<Long> a = spend(first, during);
        CompletableFuture<Long> b = spend(second, during);
        long total = a.join() + b.join();

        double expected = RATE * 3.0;
        System.out.printf(
                "SharedLimitsTest: %d + %d bytes in 3 s through two gateways at %d B/s: %+.1f%%%n",
                a.join(), b.join(), RATE, (total / expected - 1) * 100);
        assertThat((double) total)
                .as("bytes through both gateways in 3 s at %d B/s (each: %d, %d)", RATE, a.join(), b.join())
                .isBetween(expected * (1 - ACCURACY), expected * (1 + ACCURACY));
        // Leases are first come, first served, so the split between gateways follows their timing; a
        // gateway that got nothing at all would be starved.
        assertThat(Math.min(a.join(), b.join()))
                .as("neither gateway is starved")
                .isGreaterThan((long) (expected / 10));
        assertThat(switches).isEmpty();
    }

    @Test
    void requestRateHoldsAcrossGateways() {
        SharedBuckets one = gateway();
        SharedBuckets two = gateway();
        long perSecond = 20;
        List<TokenBucket> tunnel = List.of(
                new SharedRate(
                        one,
                        one.key("c2", "requests:api"),
                        new Rate(perSecond, LimitPolicy.REQUEST_BURST, TimeMeter.SYSTEM_NANOTIME),
                        LimitPolicy.REQUEST_BURST,
                        TimeMeter.SYSTEM_NANOTIME),
                new SharedRate(
                        two,
                        two.key("c2", "requests:api"),
                        new Rate(perSecond, LimitPolicy.REQUEST_BURST, TimeMeter.SYSTEM_NANOTIME),
                        LimitPolicy.REQUEST_BURST,
                        TimeMeter.SYSTEM_NANOTIME));
        AtomicLong admitted = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        CompletableFuture<Void> done = new CompletableFuture<>();
        // A visitor knocking every 5 ms on each gateway.
        vertx.setPeriodic(5, id -> {
            if (System.nanoTime() >= end) {
                vertx.cancelTimer(id);
                done.complete(null);
                return;
            }
            tunnel.forEach(bucket -> {
                if (bucket.tryTake() == 0) {
                    admitted.incrementAndGet();
                }
            });
        });
        done.join();

        // 3 s at the rate, the 1 s burst the bucket starts with, and at most one slice of overdraft per gateway.
        assertThat(admitted.get())
                .as("requests admitted by both gateways together")
                .isBetween(3 * perSecond, 4 * perSecond + 2 * 2);
    }

    @Test
    void fallsBackToItsOwnBucketWhileRedisIsAwayAndSharesAgainAfter() {
        SharedBuckets gateway = gateway();
        SharedRate bucket = download(gateway, "c3", RATE);
        bucket.take(CHUNK);
        await().atMost(Duration.ofSeconds(5)).until(() -> bucket.budget() > 0);
        assertThat(gateway.shared()).isTrue();

        server.stop();
        // The next lease fails: the gateway limits alone, said once.
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            bucket.take(RATE / 10);
            return !gateway.shared();
        });
        assertThat(switches).containsExactly(false);
        assertThat(bucket.take(CHUNK))
                .as("its own bucket at the client's rate, already in debt")
                .isPositive();
        assertThat(spend(bucket, Duration.ofMillis(500)).join())
                .as("while Redis is away the gateway still limits")
                .isLessThan(RATE);

        server.start();
        await().atMost(Duration.ofSeconds(10)).until(gateway::shared);
        assertThat(switches).containsExactly(false, true);
        bucket.take(CHUNK);
        await().atMost(Duration.ofSeconds(5)).until(() -> bucket.budget() > 0);
        assertThat(server.command("EXISTS porthole:limit:{client:c3}:down")).contains("1");
    }
}
