package dev.porthole.gateway.limits;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Duration;

/**
 * A Bucket4j token bucket whose rate can change while tunnels use it; at rate 0 it limits nothing.
 * Safe to use from every event loop.
 */
final class Rate implements TokenBucket {

    private final Duration burst;
    private final TimeMeter time;
    private volatile long perSecond;
    private volatile Bucket bucket;

    /** A bucket refilled at {@code perSecond} tokens per second that holds at most {@code burst} worth of them. */
    Rate(long perSecond, Duration burst, TimeMeter time) {
        this.burst = burst;
        this.time = time;
        set(perSecond);
    }

    @Override
    public long perSecond() {
        return perSecond;
    }

    /** Changes the rate; tokens already in the bucket carry over in proportion. Cheap when the rate stays. */
    @Override
    public void set(long next) {
        if (next != perSecond) {
            change(next);
        }
    }

    private synchronized void change(long next) {
        if (next == perSecond) {
            return;
        }
        perSecond = next;
        if (next == LimitSettings.UNLIMITED) {
            bucket = null;
        } else if (bucket == null) {
            bucket = Bucket.builder()
                    .withCustomTimePrecision(time)
                    .addLimit(limit -> limit.capacity(capacity(next)).refillGreedy(next, Duration.ofSeconds(1)))
                    .build();
        } else {
            bucket.replaceConfiguration(
                    BucketConfiguration.builder()
                            .addLimit(limit -> limit.capacity(capacity(next)).refillGreedy(next, Duration.ofSeconds(1)))
                            .build(),
                    TokensInheritanceStrategy.PROPORTIONALLY);
        }
    }

    /** Takes tokens even into debt (bytes already read are never dropped); nanoseconds until the debt is paid. */
    @Override
    public long take(long tokens) {
        Bucket current = bucket;
        return current == null ? 0 : current.consumeIgnoringRateLimits(tokens);
    }

    /** Takes one token if there is one (0); otherwise takes nothing and returns the nanoseconds until there is one. */
    @Override
    public long tryTake() {
        Bucket current = bucket;
        if (current == null) {
            return 0;
        }
        ConsumptionProbe probe = current.tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
    }

    /** Nanoseconds until the bucket is out of debt; 0 when it is now. */
    @Override
    public long waitNanos() {
        Bucket current = bucket;
        long rate = perSecond;
        if (current == null || rate == 0) {
            return 0;
        }
        long debt = -current.getAvailableTokens();
        return debt <= 0 ? 0 : (long) Math.ceil(debt * 1e9 / rate);
    }

    private long capacity(long rate) {
        return Math.max(1, rate * burst.toMillis() / 1000);
    }
}
