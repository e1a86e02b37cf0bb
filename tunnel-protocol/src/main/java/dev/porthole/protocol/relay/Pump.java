package dev.porthole.protocol.relay;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.util.function.BooleanSupplier;

/**
 * One direction of every relay: read only while the destination has room, then end it. Use it
 * instead of {@code pipeTo} when the two sides may live on different event loops (a visitor's
 * connection and an agent session, an upstream socket and a tunnel stream):
 * <ul>
 *   <li>A drain that happens between "queue is full" and "drain handler registered" is not lost:
 *       after registering, the queue is checked again. (A pipe across event loops can otherwise
 *       pause forever, with the peer out of credit and every socket empty.)</li>
 *   <li>When the source can tell that a chunk is its last, that chunk and the end go out as one
 *       {@code end(chunk)}: one write instead of two for every small response.</li>
 * </ul>
 */
final class Pump {

    private final ReadStream<Buffer> source;
    private final WriteStream<Buffer> destination;
    private final BooleanSupplier lastChunk;
    private final Promise<Void> ended = Promise.promise();
    private boolean endSent;

    private Pump(ReadStream<Buffer> source, WriteStream<Buffer> destination, BooleanSupplier lastChunk) {
        this.source = source;
        this.destination = destination;
        this.lastChunk = lastChunk;
    }

    /**
     * Starts moving {@code source} into {@code destination}; the future completes once the source
     * ended and the destination was ended, or fails with the first failed write or end.
     * {@code lastChunk} is asked as each chunk arrives whether the source has nothing after it.
     */
    static Future<Void> start(ReadStream<Buffer> source, WriteStream<Buffer> destination, BooleanSupplier lastChunk) {
        Pump pump = new Pump(source, destination, lastChunk);
        source.endHandler(ignored -> pump.end(null));
        source.handler(pump::chunk);
        source.resume();
        return pump.ended.future();
    }

    /** {@link #start(ReadStream, WriteStream, BooleanSupplier)} for a source that cannot tell its last chunk. */
    static Future<Void> start(ReadStream<Buffer> source, WriteStream<Buffer> destination) {
        return start(source, destination, () -> false);
    }

    private void chunk(Buffer data) {
        if (lastChunk.getAsBoolean()) {
            end(data);
            return;
        }
        destination.write(data).onFailure(ended::tryFail);
        if (destination.writeQueueFull()) {
            source.pause();
            destination.drainHandler(ignored -> source.resume());
            if (!destination.writeQueueFull()) {
                // It drained before the handler was in place: nobody will call it for that drain.
                source.resume();
            }
        }
    }

    private void end(Buffer last) {
        if (endSent) {
            return;
        }
        endSent = true;
        Future<Void> end = last == null ? destination.end() : destination.end(last);
        end.onComplete(result -> {
            if (result.succeeded()) {
                ended.tryComplete();
            } else {
                ended.tryFail(result.cause());
            }
        });
    }
}
