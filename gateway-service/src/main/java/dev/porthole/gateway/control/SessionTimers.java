package dev.porthole.gateway.control;

import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.message.Notice;
import dev.porthole.protocol.mux.MuxSession;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.impl.ContextInternal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An agent session's clock: its deadlines and periodic work, the public lifetime with its warning,
 * and closing once its last stream ends. Used on the session's context; everything is cancelled
 * together when the session closes.
 */
final class SessionTimers {

    /**
     * The session context's event loop runs the timers: Netty's scheduled tasks, not Vert.x timers,
     * which also keep each in a shared map under a boxed id and among the context's close hooks (about
     * 200 bytes a timer, and every idle session holds two or three).
     */
    private final ContextInternal context;

    private final MuxSession mux;
    /** Sized for the two an active session keeps (its heartbeat and its refresh). */
    private final List<Timer> timers = new ArrayList<>(2);
    /** Set once the session is to close when its last stream ends. */
    private Runnable closeOnIdle;

    private boolean cancelled;

    SessionTimers(MuxSession mux) {
        this.context = (ContextInternal) mux.context();
        this.mux = mux;
    }

    /** Runs {@code task} once after {@code delay}, unless the returned cancel runs first. */
    Runnable after(Duration delay, Runnable task) {
        Timer timer = new Timer(task, true);
        schedule(timer, delay, Duration.ZERO);
        return timer::cancel;
    }

    /** Runs {@code task} every {@code period}, unless the returned cancel runs (the session's heartbeat's clock). */
    Runnable every(Duration period, Runnable task) {
        Timer timer = new Timer(task, false);
        schedule(timer, period, period);
        return timer::cancel;
    }

    private void schedule(Timer timer, Duration delay, Duration period) {
        long delayMillis = Math.max(1, delay.toMillis());
        EventLoop loop = context.nettyEventLoop();
        timers.add(timer);
        timer.future = period.isZero()
                ? loop.schedule(timer, delayMillis, TimeUnit.MILLISECONDS)
                : loop.scheduleAtFixedRate(timer, delayMillis, Math.max(1, period.toMillis()), TimeUnit.MILLISECONDS);
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
        timers.forEach(timer -> timer.future.cancel(false));
        timers.clear();
    }

    /** A task on the session's context, once or every period; a fired one-shot leaves the list. */
    private final class Timer implements Runnable {
        private final Runnable task;
        private final boolean once;
        private ScheduledFuture<?> future;

        Timer(Runnable task, boolean once) {
            this.task = task;
            this.once = once;
        }

        @Override
        public void run() {
            if (once) {
                timers.remove(this);
            }
            context.emit(ignored -> task.run());
        }

        /** On the session's context. */
        void cancel() {
            future.cancel(false);
            timers.remove(this);
        }
    }

    static String describe(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds % 60 == 0 ? (seconds / 60) + " minutes" : seconds + " seconds";
    }
}
