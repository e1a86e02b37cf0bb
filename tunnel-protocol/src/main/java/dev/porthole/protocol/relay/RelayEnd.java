package dev.porthole.protocol.relay;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

/**
 * One side of a byte relay: a TCP socket or a tunnel stream. Ending its {@link #sink()} is a
 * half-close (FIN towards that side); the end of its {@link #source()} is the FIN that side sent.
 */
public interface RelayEnd {

    /** Bytes arriving from this side; its end handler runs when this side half-closed. */
    ReadStream<Buffer> source();

    /** Bytes going to this side; {@code end()} half-closes towards it once everything written has left. */
    WriteStream<Buffer> sink();

    /** Runs once when this side breaks before the relay is done (reset, connection lost, idle too long). */
    void failureHandler(Handler<Throwable> handler);

    /** Breaks this side off because the relay failed: a reset for a stream, a TCP RST for a socket. */
    void abort(Throwable cause);

    /** Both directions ended normally: release what is left (close the socket). */
    void finish();
}
