package dev.porthole.protocol.mux;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * A connection's heartbeat: a PING every interval, and the end of the connection when nothing at
 * all arrived for the timeout. Confined to the session's context.
 */
final class Heartbeat {

    private final LongSupplier nanoClock;
    private long lastReceivedNanos;
    private long timer = -1;
    private Vertx vertx;

    Heartbeat(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.lastReceivedNanos = nanoClock.getAsLong();
    }

    /** Something arrived from the peer. */
    void received() {
        lastReceivedNanos = nanoClock.getAsLong();
    }

    /**
     * Starts beating, in place of any earlier beat.
     *
     * @param ping sends a PING carrying this clock's time
     * @param silent told, with a reason, when nothing arrived for {@code timeout}; the beat then stops
     */
    void start(Vertx vertx, Duration interval, Duration timeout, LongConsumer ping, Consumer<String> silent) {
        stop();
        this.vertx = vertx;
        long timeoutNanos = timeout.toNanos();
        timer = vertx.setPeriodic(interval.toMillis(), id -> {
            long now = nanoClock.getAsLong();
            long quiet = now - lastReceivedNanos;
            if (quiet > timeoutNanos) {
                stop();
                silent.accept("nothing received for " + Duration.ofNanos(quiet).toMillis() + " ms (heartbeat timeout "
                        + timeout.toMillis() + " ms)");
            } else {
                ping.accept(now);
            }
        });
    }

    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }
}
