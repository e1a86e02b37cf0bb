package dev.porthole.protocol.relay;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Relays bytes both ways between two {@link RelayEnd}s (socket and stream, or two of a kind) with
 * back-pressure and half-close: each direction ends on its own with a FIN, and the ends are
 * released when both have. If either side breaks, the other is broken off too (a reset or an
 * RST), so a visitor never waits on a connection whose far side is gone.
 */
public final class Splice {

    private final RelayEnd first;
    private final RelayEnd second;
    private final Promise<Void> done = Promise.promise();
    private final AtomicInteger directionsEnded = new AtomicInteger();

    private Splice(RelayEnd first, RelayEnd second) {
        this.first = first;
        this.second = second;
    }

    /** Starts relaying; the future completes when both directions ended, or fails with the first break. */
    public static Future<Void> join(RelayEnd first, RelayEnd second) {
        Splice splice = new Splice(first, second);
        splice.start();
        return splice.done.future();
    }

    private void start() {
        first.failureHandler(this::fail);
        second.failureHandler(this::fail);
        Pump.start(first.source(), second.sink()).onComplete(result -> directionDone(result.cause()));
        Pump.start(second.source(), first.sink()).onComplete(result -> directionDone(result.cause()));
    }

    private void directionDone(Throwable failure) {
        if (failure != null) {
            fail(failure);
        } else if (directionsEnded.incrementAndGet() == 2 && done.tryComplete()) {
            first.finish();
            second.finish();
        }
    }

    private void fail(Throwable cause) {
        if (done.tryFail(cause)) {
            first.abort(cause);
            second.abort(cause);
        }
    }
}
