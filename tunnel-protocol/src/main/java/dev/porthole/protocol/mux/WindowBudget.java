package dev.porthole.protocol.mux;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * What lets a stream's receive window grow: the connection's round trip, as the heartbeat measured
 * it on the session's clock, and the connection's budget for growth beyond the initial windows
 * ({@link MuxSettings#windowGrowthBudget()}), shared by all its streams. Grown only on the
 * session's context; the round trip is readable from anywhere.
 */
final class WindowBudget {

    /** The least round trip that window growth assumes; see {@link #growthInterval()}. */
    static final Duration MIN_ROUND_TRIP = Duration.ofMillis(2);

    private final MuxSettings settings;
    private final LongSupplier nanoClock;
    private volatile long roundTripNanos = -1;
    /** What the open streams' receive windows grew beyond their initial size, together. */
    private long grown;

    WindowBudget(MuxSettings settings, LongSupplier nanoClock) {
        this.settings = settings;
        this.nanoClock = nanoClock;
    }

    /** The session's clock, in nanoseconds (the one heartbeats use; tests move it). */
    long now() {
        return nanoClock.getAsLong();
    }

    void roundTrip(long nanos) {
        roundTripNanos = Math.max(0, nanos);
    }

    /** The last measured round trip; negative before the first PONG. */
    Duration roundTrip() {
        return Duration.ofNanos(roundTripNanos);
    }

    /**
     * A stream whose reader got through half its window faster than this grows its window: two
     * round trips, and never less than twice {@link #MIN_ROUND_TRIP}, the scheduling delay of a busy
     * machine, which even a loopback connection pays before credit is used.
     */
    long growthInterval() {
        return 2 * Math.max(roundTripNanos, MIN_ROUND_TRIP.toNanos());
    }

    /**
     * How much a window of {@code current} bytes may grow now: doubled, but not past
     * {@link MuxSettings#maxWindow()} nor past what is left of the budget, which the growth then takes from.
     */
    int grow(int current) {
        long room = Math.min((long) settings.maxWindow() - current, settings.windowGrowthBudget() - grown);
        int growth = (int) Math.max(0, Math.min(current, room));
        grown += growth;
        return growth;
    }

    /** A closed stream gives back what its window grew. */
    void giveBack(long growth) {
        grown -= growth;
    }
}
