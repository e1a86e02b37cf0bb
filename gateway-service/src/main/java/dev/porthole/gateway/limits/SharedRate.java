package dev.porthole.gateway.limits;

import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client bucket as this gateway spends it: tokens are leased from the bucket in Redis a slice at
 * a time ({@link #SLICE} at the rate) and spent here, so no byte and no request waits for Redis; a
 * new lease is asked for while half a slice is still left. Spending may run a little into debt
 * (bytes already read, or requests let through while a lease is on its way); the next lease pays it
 * back. While Redis is unreachable the gateway's own bucket at the same rate takes over.
 */
final class SharedRate implements TokenBucket {

    /** How much of the client's rate one lease asks for, as time at that rate. */
    static final Duration SLICE = Duration.ofMillis(100);
    /** The longest a gateway waits before asking again after the bucket ran dry. */
    static final Duration MAX_RETRY = Duration.ofMillis(50);
    /** Never wake a paused stream sooner than this: a lease is a round trip away. */
    private static final long MIN_WAIT = Duration.ofMillis(2).toNanos();

    private final SharedBuckets shared;
    private final String key;
    private final Rate local;
    private final Duration burst;
    private final TimeMeter time;
    private final AtomicLong budget = new AtomicLong();
    private final AtomicBoolean leasing = new AtomicBoolean();
    private volatile long retryAt;
    private volatile int generation;

    /** A bucket of the client's in Redis under {@code key}; {@code local} (this gateway's) limits while Redis is away. */
    SharedRate(SharedBuckets shared, String key, Rate local, Duration burst, TimeMeter time) {
        this.shared = shared;
        this.key = key;
        this.local = local;
        this.burst = burst;
        this.time = time;
        this.generation = shared.generation();
    }

    @Override
    public long perSecond() {
        return local.perSecond();
    }

    @Override
    public void set(long perSecond) {
        local.set(perSecond);
    }

    @Override
    public long take(long tokens) {
        long rate = local.perSecond();
        if (rate == LimitSettings.UNLIMITED) {
            return 0;
        }
        if (!inStep()) {
            return local.take(tokens);
        }
        long left = budget.addAndGet(-tokens);
        topUp(rate);
        return left >= 0 ? 0 : pause(left, rate);
    }

    @Override
    public long tryTake() {
        long rate = local.perSecond();
        if (rate == LimitSettings.UNLIMITED) {
            return 0;
        }
        if (!inStep()) {
            return local.tryTake();
        }
        long overdraft = -slice(rate);
        while (true) {
            long left = budget.get();
            long now = time.currentTimeNanos();
            boolean dry = left <= 0 && now < retryAt;
            if (left <= overdraft || dry) {
                topUp(rate);
                return Math.max(Math.max(retryAt - now, 1_000_000_000L / rate), 1);
            }
            if (budget.compareAndSet(left, left - 1)) {
                topUp(rate);
                return 0;
            }
        }
    }

    @Override
    public long waitNanos() {
        long rate = local.perSecond();
        if (rate == LimitSettings.UNLIMITED) {
            return 0;
        }
        if (!inStep()) {
            return local.waitNanos();
        }
        long left = budget.get();
        topUp(rate);
        return left >= 0 ? 0 : pause(left, rate);
    }

    /** Tokens leased and not yet spent (negative: spent ahead of the next lease). */
    long budget() {
        return budget.get();
    }

    /** Whether the shared bucket is in force; after each switch the leases from before are forgotten. */
    private boolean inStep() {
        int now = shared.generation();
        if (now != generation) {
            generation = now;
            budget.set(0);
            retryAt = 0;
        }
        return shared.shared();
    }

    /** Asks for the next slice (and any debt) while half a slice is left, one lease at a time. */
    private void topUp(long rate) {
        if (rate == LimitSettings.UNLIMITED) {
            return;
        }
        long slice = slice(rate);
        long left = budget.get();
        if (left >= slice / 2 || time.currentTimeNanos() < retryAt || !leasing.compareAndSet(false, true)) {
            return;
        }
        long wanted = slice - left;
        int asked = generation;
        long capacity = Math.max(2 * slice, rate * burst.toMillis() / 1000);
        long ttl = Math.max(1000, capacity * 2000 / rate);
        shared.lease(key, rate, capacity, wanted, ttl).onComplete(answer -> {
            if (answer.succeeded() && asked == generation) {
                budget.addAndGet(answer.result().granted());
                if (answer.result().granted() < wanted) {
                    // Ask again by itself when the bucket should hold more, so the tokens are here when the streams
                    // wake.
                    long retry = Math.clamp(answer.result().retryNanos(), MIN_WAIT, MAX_RETRY.toNanos());
                    retryAt = time.currentTimeNanos() + retry;
                    shared.later(retry, () -> topUp(local.perSecond()));
                }
            }
            leasing.set(false);
        });
    }

    /** A guess at how long the debt lasts; a wrong one costs only an early or late look. */
    private long pause(long left, long rate) {
        long paid = (long) Math.ceil(-left * 1e9 / rate);
        long dry = retryAt - time.currentTimeNanos();
        return Math.clamp(Math.max(paid, dry), MIN_WAIT, SLICE.toNanos());
    }

    private static long slice(long rate) {
        return Math.max(1, rate * SLICE.toMillis() / 1000);
    }
}
