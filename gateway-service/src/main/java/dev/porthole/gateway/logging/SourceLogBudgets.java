package dev.porthole.gateway.logging;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@link LogBudget} per kind of line and source address, shared by every connection from that
 * address: an agent that reconnects at once after each close must not get a fresh budget each time
 * (issue 25: a reconnecting flooder wrote 240 notice lines in 30 s with a budget per session).
 * The source is the address failures and public places count against (IPv6: its /64). At most
 * {@link #MAX_SOURCES} budgets are kept; the least recently used goes first, with its summary line,
 * and a budget nothing used for a whole interval is summed up and dropped once a minute.
 */
@Singleton
public class SourceLogBudgets {

    /** Budgets kept at most; a flood from more addresses than this shares the oldest's fate. */
    static final int MAX_SOURCES = 10_000;

    private final Clock clock;
    private final Map<String, LogBudget> budgets = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, LogBudget> eldest) {
            if (size() > MAX_SOURCES) {
                eldest.getValue().close();
                return true;
            }
            return false;
        }
    };
    private long timer = -1;

    public SourceLogBudgets() {
        this(Clock.systemUTC());
    }

    SourceLogBudgets(Clock clock) {
        this.clock = clock;
    }

    void start(@Observes StartupEvent started, Vertx vertx) {
        timer = vertx.setPeriodic(LogBudget.INTERVAL.toMillis(), id -> sweep());
    }

    void stop(@Observes ShutdownEvent stopping, Vertx vertx) {
        vertx.cancelTimer(timer);
        synchronized (this) {
            budgets.values().forEach(LogBudget::close);
            budgets.clear();
        }
    }

    /**
     * The budget for lines of one kind caused from one source, for example
     * {@code of("notices", "192.0.2.7")}, named {@code "notices from 192.0.2.7"} in its summaries.
     */
    public synchronized LogBudget of(String kind, String source) {
        return budgets.computeIfAbsent(
                kind + " from " + source, what -> new LogBudget(what, LogBudget.LINES, LogBudget.INTERVAL, clock));
    }

    /** Sums up and drops the budgets whose interval ended; what is in use now stays. */
    synchronized void sweep() {
        for (Iterator<LogBudget> it = budgets.values().iterator(); it.hasNext(); ) {
            LogBudget budget = it.next();
            if (budget.idle()) {
                budget.close();
                it.remove();
            }
        }
    }

    synchronized int size() {
        return budgets.size();
    }
}
