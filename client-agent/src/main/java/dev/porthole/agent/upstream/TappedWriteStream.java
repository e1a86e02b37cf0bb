package dev.porthole.agent.upstream;

import dev.porthole.protocol.relay.ForwardingWriteStream;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.util.function.Consumer;

/**
 * A write stream that shows each chunk to a tap before passing it on unchanged. Back-pressure is
 * the destination's alone: the tap cannot make a pipe wait.
 */
final class TappedWriteStream extends ForwardingWriteStream {

    private final Consumer<Buffer> tap;

    TappedWriteStream(WriteStream<Buffer> destination, Consumer<Buffer> tap) {
        super(destination);
        this.tap = tap;
    }

    @Override
    public Future<Void> write(Buffer data) {
        tap.accept(data);
        return delegate.write(data);
    }

    @Override
    public Future<Void> end(Buffer data) {
        // Passed on as one call: an HTTP request ended with its last chunk may set Content-Length from it.
        tap.accept(data);
        return delegate.end(data);
    }
}
