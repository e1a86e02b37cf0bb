package dev.porthole.gateway.logging;

import io.quarkus.logging.Log;
import java.time.Clock;
import java.time.Duration;

/**
 * Lets through at most a few log lines of one kind from one source (an address, see
 * {@link SourceLogBudgets}) per
 * interval, and sums up the rest in one line: an agent that makes the gateway refuse thousands of
 * frames a second must not write thousands of log lines a second (issue 25: 369,810 lines in 6 s).
 * Thread-safe; cheap when nothing is held back.
 */
public final class LogBudget {

    /** Lines of one kind a source may cause per {@link #INTERVAL}. */
    public static final int LINES = 10;

    public static final Duration INTERVAL = Duration.ofMinutes(1);

    private final String what;
    private final int lines;
    private final Duration interval;
    private final Clock clock;
    private long windowStart;
    private int logged;
    private long heldBack;

    /**
     * @param what names the lines and their source in the summary, for example
     *     {@code "refused dials of session s-abc"}
     */
    public LogBudget(String what, int lines, Duration interval, Clock clock) {
        this.what = what;
        this.lines = lines;
        this.interval = interval;
        this.clock = clock;
        this.windowStart = clock.millis();
    }

    /** {@value #LINES} lines per minute. */
    public static LogBudget perMinute(String what) {
        return new LogBudget(what, LINES, INTERVAL, Clock.systemUTC());
    }

    /**
     * Whether the next line may be logged. The first line held back in an interval says so; when a
     * new interval begins, one line says how many were held back in the last.
     */
    public synchronized boolean allow() {
        long now = clock.millis();
        if (now - windowStart >= interval.toMillis()) {
            summarise();
            windowStart = now;
            logged = 0;
        }
        if (logged < lines) {
            logged++;
            return true;
        }
        if (heldBack++ == 0) {
            Log.infof(
                    "%s: more than %d log lines in %d s; the rest are counted, not logged",
                    what, lines, interval.toSeconds());
        }
        return false;
    }

    /** Whether the interval this budget counts in has ended (nothing asked for a line since). */
    public synchronized boolean idle() {
        return clock.millis() - windowStart >= interval.toMillis();
    }

    /** Lines held back in the current interval. */
    public synchronized long heldBack() {
        return heldBack;
    }

    /** Logs the count of lines held back, if any (when the source goes away). */
    public synchronized void close() {
        summarise();
    }

    private void summarise() {
        if (heldBack > 0) {
            Log.infof("%s: %d more log lines held back", what, heldBack);
            heldBack = 0;
        }
    }
}
