package dev.porthole.agent.tunnel;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Reconnect delays: exponential with full jitter, so that many agents that lost the same gateway
 * do not come back in one synchronized wave. Each delay is uniform over (0, ceiling], the ceiling
 * doubling from {@code initial} to {@code max}: spread over the whole window (equal jitter would
 * bunch every agent into its upper half), never zero, never above the cap. A connection that
 * stayed up for {@code stableAfter} resets the sequence.
 */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private final Duration stableAfter;
    private final RandomGenerator random;
    private final Clock clock;
    private int attempt;
    private Instant connectedAt;

    public Backoff(Duration initial, Duration max, Duration stableAfter, RandomGenerator random, Clock clock) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + " and " + max);
        }
        this.initial = initial;
        this.max = max;
        this.stableAfter = stableAfter;
        this.random = random;
        this.clock = clock;
    }

    /** The back-off of the agents built in code (dial and listener APIs, load agents): from half a second up to 30 s, jittered. */
    public static Backoff halfSecondTo30Seconds() {
        return halfSecondTo(Duration.ofSeconds(30));
    }

    /** From half a second up to {@code max}, jittered; a connection up for 30 s starts the sequence again. */
    public static Backoff halfSecondTo(Duration max) {
        return new Backoff(Duration.ofMillis(500), max, Duration.ofSeconds(30), new SecureRandom(), Clock.systemUTC());
    }

    /** The delay before the next attempt. */
    public Duration next() {
        if (connectedAt != null
                && Duration.between(connectedAt, clock.instant()).compareTo(stableAfter) >= 0) {
            attempt = 0;
        }
        connectedAt = null;
        long ceiling = initial.toMillis() << Math.min(attempt, 20);
        ceiling = Math.min(ceiling, max.toMillis());
        attempt++;
        return Duration.ofMillis(1 + random.nextLong(ceiling));
    }

    /** A connection succeeded; if it lasts, the next failure starts from the initial delay again. */
    public void connected() {
        connectedAt = clock.instant();
    }

    /** A back-off with the same parameters and no history, for another connection of the same agent. */
    public Backoff another() {
        return new Backoff(initial, max, stableAfter, random, clock);
    }

    /**
     * A delay as a person reads it: {@code 37 ms} under a second (full jitter makes many first
     * delays that short; "0.0 s" would read as no wait at all), else {@code 2.2 s}.
     */
    public static String spoken(Duration delay) {
        long ms = delay.toMillis();
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /** The longest delay. */
    public Duration max() {
        return max;
    }

    /** Attempts since the last stable connection. */
    public int attempts() {
        return attempt;
    }
}
