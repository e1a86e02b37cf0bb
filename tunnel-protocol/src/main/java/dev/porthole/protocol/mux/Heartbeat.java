package dev.porthole.protocol.mux;

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
    /** Stops the beat; null when none runs. */
    private Runnable cancel;

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
     * @param clock runs the beat every {@code interval} on the session's context
     * @param ping sends a PING carrying this clock's time
     * @param silent told, with a reason, when nothing arrived for {@code timeout}; the beat then stops
     */
    void start(Periodic clock, Duration interval, Duration timeout, LongConsumer ping, Consumer<String> silent) {
        stop();
        long timeoutNanos = timeout.toNanos();
        cancel = clock.every(interval, () -> {
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
        if (cancel != null) {
            cancel.run();
            cancel = null;
        }
    }
}
