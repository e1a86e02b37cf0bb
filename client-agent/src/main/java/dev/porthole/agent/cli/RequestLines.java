package dev.porthole.agent.cli;

import dev.porthole.agent.upstream.RequestLog;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One line per request on standard error, in the log's format, written in batches: at most one
 * write every {@link #FLUSH_DELAY_MILLIS} ms instead of a log record, a formatter run and a wake-up
 * of the log thread for every request (that cost a quarter of the agent's CPU per small request).
 * At most {@link #MAX_PENDING} lines wait; beyond that they are counted and reported as dropped.
 */
final class RequestLines implements RequestLog {

    static final int MAX_PENDING = 10_000;
    static final long FLUSH_DELAY_MILLIS = 100;
    private static final Logger LOG = Logger.getLogger(RequestLines.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintStream err;
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "porthole-request-lines");
        thread.setDaemon(true);
        return thread;
    });
    private StringBuilder pending = new StringBuilder();
    private int pendingLines;
    private long dropped;
    private long cachedSecond = -1;
    private String cachedTime = "";

    RequestLines(PrintStream err) {
        this.err = err;
        Runtime.getRuntime().addShutdownHook(new Thread(this::flush, "porthole-request-lines-flush"));
    }

    @Override
    public void completed(String tunnel, String method, String uri, int status, Duration duration) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        boolean first;
        synchronized (this) {
            if (pendingLines >= MAX_PENDING) {
                dropped++;
                return;
            }
            first = pendingLines == 0;
            pending.append(time())
                    .append(" INFO  ")
                    .append(method)
                    .append(' ')
                    .append(uri)
                    .append(' ')
                    .append(status)
                    .append(' ')
                    .append(duration.toMillis())
                    .append(" ms")
                    .append(System.lineSeparator());
            pendingLines++;
        }
        if (first) {
            flusher.schedule(this::flush, FLUSH_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Writes what is pending in one call. */
    void flush() {
        StringBuilder batch;
        long lost;
        synchronized (this) {
            if (pendingLines == 0 && dropped == 0) {
                return;
            }
            batch = pending;
            lost = dropped;
            pending = new StringBuilder(batch.capacity());
            pendingLines = 0;
            dropped = 0;
        }
        if (lost > 0) {
            batch.append(time())
                    .append(" WARN  ")
                    .append(lost)
                    .append(" request lines were not printed (more than ")
                    .append(MAX_PENDING)
                    .append(" in ")
                    .append(FLUSH_DELAY_MILLIS)
                    .append(" ms)")
                    .append(System.lineSeparator());
        }
        err.print(batch);
        err.flush();
    }

    /** {@code HH:mm:ss}, as the log format prints it; formatted once a second. */
    private synchronized String time() {
        long second = System.currentTimeMillis() / 1000;
        if (second != cachedSecond) {
            cachedSecond = second;
            cachedTime = LocalTime.now().format(TIME);
        }
        return cachedTime;
    }
}
