package dev.porthole.protocol.mux;

import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * Runs a task every period on the caller's context until the cancel it returns runs: the clock a
 * session's heartbeat beats by. A gateway passes the clock its sessions already keep, so that an idle
 * session holds one kind of timer; an agent passes {@link #timersOf(Vertx) Vert.x's}.
 */
@FunctionalInterface
public interface Periodic {

    /** Starts running {@code task} every {@code period}; the result stops it (on the same context). */
    Runnable every(Duration period, Runnable task);

    /** Vert.x's periodic timers, on the context that calls {@link #every}. */
    static Periodic timersOf(Vertx vertx) {
        return (period, task) -> {
            long id = vertx.setPeriodic(period.toMillis(), ignored -> task.run());
            return () -> vertx.cancelTimer(id);
        };
    }
}
