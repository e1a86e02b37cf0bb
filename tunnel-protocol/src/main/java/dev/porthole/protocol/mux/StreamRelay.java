package dev.porthole.protocol.mux;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * Moves a tunnel stream's bytes into a Vert.x write stream with back-pressure. Use it instead of
 * {@code pipeTo} when the destination lives on another event loop (a visitor's connection, an
 * upstream socket), for two reasons:
 * <ul>
 *   <li>A drain that happens between "queue is full" and "drain handler registered" is not lost:
 *       after registering, the queue is checked again. (A pipe across event loops can otherwise
 *       pause forever, with the peer out of credit and every socket empty.)</li>
 *   <li>The stream's last chunk and the end go out as one {@code end(chunk)}: one write instead of
 *       two for every small response.</li>
 * </ul>
 * The returned future fails if either side fails; ending on failure is left to the caller, which
 * knows whether to cut a connection or answer with an error.
 */
public final class StreamRelay {

    private final MuxStream source;
    private final WriteStream<Buffer> destination;
    private final Promise<Void> done = Promise.promise();
    private boolean ended;

    private StreamRelay(MuxStream source, WriteStream<Buffer> destination) {
        this.source = source;
        this.destination = destination;
    }

    /** Starts relaying; completes when the source ended and the destination was ended. */
    public static Future<Void> relay(MuxStream source, WriteStream<Buffer> destination) {
        StreamRelay relay = new StreamRelay(source, destination);
        relay.start();
        return relay.done.future();
    }

    private void start() {
        source.exceptionHandler(done::tryFail);
        destination.exceptionHandler(done::tryFail);
        source.endHandler(ignored -> {
            if (!ended) {
                ended = true;
                destination.end().onComplete(done);
            }
        });
        source.handler(this::chunk);
        source.resume();
    }

    private void chunk(Buffer data) {
        if (source.atEnd()) {
            ended = true;
            destination.end(data).onComplete(done);
            return;
        }
        destination.write(data).onFailure(done::tryFail);
        if (destination.writeQueueFull()) {
            source.pause();
            destination.drainHandler(ignored -> source.resume());
            if (!destination.writeQueueFull()) {
                // It drained before the handler was in place: nobody will call it for that drain.
                source.resume();
            }
        }
    }
}
