package dev.porthole.protocol.relay;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
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
        pump(first.source(), second.sink()).onComplete(result -> directionDone(result.cause()));
        pump(second.source(), first.sink()).onComplete(result -> directionDone(result.cause()));
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

    /**
     * One direction: read only while the destination has room, then end it. The queue is checked
     * again after the drain handler is set, because the two sides may live on different event
     * loops and a drain in between would otherwise be lost.
     */
    private static Future<Void> pump(ReadStream<Buffer> source, WriteStream<Buffer> destination) {
        Promise<Void> ended = Promise.promise();
        source.endHandler(ignored -> destination.end().onComplete(ended));
        source.handler(data -> {
            destination.write(data).onFailure(ended::tryFail);
            if (destination.writeQueueFull()) {
                source.pause();
                destination.drainHandler(drained -> source.resume());
                if (!destination.writeQueueFull()) {
                    source.resume();
                }
            }
        });
        source.resume();
        return ended.future();
    }
}
