package dev.porthole.agent.screen;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;

/**
 * Counts the streams the gateway opens to this agent: total, open, the rate over one and five
 * minutes (per-second buckets, {@link #WINDOW_SECONDS} of them) and the p50/p90 duration of the
 * last {@link #DURATIONS} closed streams. Bounded whatever the traffic.
 */
final class ConnectionStats {

    static final int WINDOW_SECONDS = 300;
    static final int DURATIONS = 1000;

    private final Clock clock;
    private final long[] opensInSecond = new long[WINDOW_SECONDS];
    private final long[] secondOfBucket = new long[WINDOW_SECONDS];
    private final long[] durationsNanos = new long[DURATIONS];
    private int durationCount;
    private int nextDuration;
    private long total;
    private long open;

    ConnectionStats(Clock clock) {
        this.clock = clock;
        Arrays.fill(secondOfBucket, -1);
    }

    synchronized void opened() {
        total++;
        open++;
        long second = clock.millis() / 1000;
        int bucket = (int) (second % WINDOW_SECONDS);
        if (secondOfBucket[bucket] != second) {
            secondOfBucket[bucket] = second;
            opensInSecond[bucket] = 0;
        }
        opensInSecond[bucket]++;
    }

    synchronized void closed(Duration duration) {
        open = Math.max(0, open - 1);
        durationsNanos[nextDuration] = duration.toNanos();
        nextDuration = (nextDuration + 1) % DURATIONS;
        durationCount = Math.min(DURATIONS, durationCount + 1);
    }

    synchronized ScreenModel.Connections snapshot() {
        long now = clock.millis() / 1000;
        long lastMinute = 0;
        long lastFive = 0;
        for (int i = 0; i < WINDOW_SECONDS; i++) {
            long age = now - secondOfBucket[i];
            if (secondOfBucket[i] >= 0 && age >= 0 && age < WINDOW_SECONDS) {
                lastFive += opensInSecond[i];
                if (age < 60) {
                    lastMinute += opensInSecond[i];
                }
            }
        }
        Duration p50 = null;
        Duration p90 = null;
        if (durationCount > 0) {
            long[] sorted = Arrays.copyOf(durationsNanos, durationCount);
            Arrays.sort(sorted);
            p50 = Duration.ofNanos(percentile(sorted, 50));
            p90 = Duration.ofNanos(percentile(sorted, 90));
        }
        return new ScreenModel.Connections(
                total, open, lastMinute / 60.0, lastFive / (double) WINDOW_SECONDS, p50, p90);
    }

    /** Nearest-rank percentile. */
    private static long percentile(long[] sorted, int percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
