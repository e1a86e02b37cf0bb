package dev.porthole.gateway.control;

import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.message.Notice;
import dev.porthole.protocol.mux.MuxSession;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An agent session's clock: its deadlines and periodic work, the public lifetime with its warning,
 * and closing once its last stream ends. Used on the session's context; everything is cancelled
 * together when the session closes.
 */
final class SessionTimers {

    private final Vertx vertx;
    private final MuxSession mux;
    private final List<Long> timers = new ArrayList<>();
    /** Set once the session is to close when its last stream ends. */
    private Runnable closeOnIdle;

    private boolean cancelled;

    SessionTimers(Vertx vertx, MuxSession mux) {
        this.vertx = vertx;
        this.mux = mux;
    }

    void after(Duration delay, Runnable task) {
        // A fired timer leaves the list: a long session keeps only the ids it may still cancel.
        timers.add(vertx.setTimer(Math.max(1, delay.toMillis()), id -> {
            timers.remove(id);
            task.run();
        }));
    }

    void every(Duration period, Runnable task) {
        timers.add(vertx.setPeriodic(Math.max(1, period.toMillis()), id -> task.run()));
    }

    /**
     * Closes the session once its open streams have ended (requests it was serving when its tunnels
     * moved to a newer session, or when the agent gave the connection up), or after {@code within}
     * at the latest. When asked twice, the first reason is the one given when the streams end, and
     * either deadline closes it.
     */
    void closeWhenIdle(CloseCode code, String reason, Duration within) {
        if (cancelled) {
            return;
        }
        if (mux.openStreams() == 0) {
            mux.close(code, reason);
            return;
        }
        if (closeOnIdle == null) {
            closeOnIdle = () -> mux.close(code, reason);
        }
        after(within, () -> mux.close(code, reason));
    }

    /** The session's last open stream ended. */
    void streamsClosed() {
        if (closeOnIdle == null) {
            return;
        }
        // After the stream's own close has run to its end (its last frames and handlers), and unless a new stream
        // opened meanwhile.
        mux.context().runOnContext(ignored -> {
            if (!cancelled && mux.openStreams() == 0) {
                closeOnIdle.run();
            }
        });
    }

    /**
     * Ends a public session after {@code lifetime}: the agent is warned {@code warning} before (or
     * half way, for a shorter lifetime), then {@code expired} runs.
     */
    void expireAfter(Duration lifetime, Duration warning, Runnable expired) {
        Duration warnAfter = lifetime.compareTo(warning) > 0 ? lifetime.minus(warning) : lifetime.dividedBy(2);
        Duration left = lifetime.minus(warnAfter);
        after(
                warnAfter,
                () -> mux.send(new Notice(
                        Notice.Level.WARN,
                        "session.expiring",
                        "this public session ends in " + describe(left)
                                + "; authenticate with a token for a session without a time limit")));
        after(lifetime, expired);
    }

    void cancelAll() {
        cancelled = true;
        timers.forEach(vertx::cancelTimer);
    }

    static String describe(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds % 60 == 0 ? (seconds / 60) + " minutes" : seconds + " seconds";
    }
}
