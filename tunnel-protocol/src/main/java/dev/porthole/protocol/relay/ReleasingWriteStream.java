package dev.porthole.protocol.relay;

import dev.porthole.protocol.buffer.Ownership;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.util.function.Function;

/**
 * Takes over the buffers written to it ({@link Ownership}) and releases each once the write it went
 * into has completed or failed, for a destination that writes what it is given without copying and
 * without releasing it: a Vert.x HTTP response or socket writes a pooled buffer through an
 * unreleasable view of it. A relay from a stream whose reader takes its buffers over
 * ({@code MuxStream.readerTakesOver()}) into such a destination then copies no byte: the frame's
 * payload is what reaches the socket.
 *
 * <p>Outermost in a chain of forwarding streams, so that a layer that drops or cuts a write (a
 * body past its declared length) still has the buffer released here.
 */
public final class ReleasingWriteStream extends ForwardingWriteStream {

    public ReleasingWriteStream(WriteStream<Buffer> delegate) {
        super(delegate);
    }

    @Override
    public Future<Void> write(Buffer data) {
        return releasedAfter(data, delegate::write);
    }

    @Override
    public Future<Void> end(Buffer data) {
        // One call, as the delegate may want the last bytes and the end together.
        return releasedAfter(data, delegate::end);
    }

    private static Future<Void> releasedAfter(Buffer data, Function<Buffer, Future<Void>> write) {
        Future<Void> written;
        try {
            written = write.apply(data);
        } catch (RuntimeException refused) {
            // A response already ended or closed refuses by throwing: the buffer is still this stream's.
            Ownership.release(data);
            throw refused;
        }
        return written.andThen(result -> Ownership.release(data));
    }
}
