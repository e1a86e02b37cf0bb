package dev.porthole.protocol.relay;

import dev.porthole.protocol.mux.MuxStream;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * Moves a tunnel stream's bytes into a Vert.x write stream (a visitor's response, an upstream
 * request or socket) with back-pressure, through the one {@link Pump} every relay uses. The stream
 * knows when a chunk is its last, so the last chunk and the end leave as one write.
 * The returned future fails if either side fails; ending on failure is left to the caller, which
 * knows whether to cut a connection or answer with an error.
 */
public final class StreamRelay {

    private StreamRelay() {}

    /** Starts relaying; completes when the source ended and the destination was ended. */
    public static Future<Void> relay(MuxStream source, WriteStream<Buffer> destination) {
        Promise<Void> done = Promise.promise();
        source.exceptionHandler(done::tryFail);
        destination.exceptionHandler(done::tryFail);
        Pump.start(source, destination, source::atEnd).onComplete(result -> {
            if (result.succeeded()) {
                done.tryComplete();
            } else {
                done.tryFail(result.cause());
            }
        });
        return done.future();
    }
}
