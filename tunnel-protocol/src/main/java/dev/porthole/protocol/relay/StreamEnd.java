package dev.porthole.protocol.relay;

import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.protocol.mux.StreamResetException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

/** A tunnel stream as one side of a relay: FIN both ways, and a reset that carries the reason on. */
public final class StreamEnd implements RelayEnd {

    private final MuxStream stream;

    public StreamEnd(MuxStream stream) {
        // A relay writes what it reads to a socket or a stream, which take the buffers over.
        this.stream = stream.readerTakesOver();
    }

    @Override
    public ReadStream<Buffer> source() {
        return stream;
    }

    @Override
    public WriteStream<Buffer> sink() {
        return stream;
    }

    @Override
    public void failureHandler(Handler<Throwable> handler) {
        stream.exceptionHandler(handler);
    }

    @Override
    public void abort(Throwable cause) {
        // A reset that arrived from the other stream of a relay is passed on with its code, so
        // that a dialer learns that the far upstream refused rather than a bare cancel.
        ResetCode code = cause instanceof StreamResetException reset && reset.code() != ResetCode.CONNECTION_CLOSED
                ? reset.code()
                : ResetCode.CANCEL;
        stream.reset(code, String.valueOf(cause.getMessage()));
    }

    @Override
    public void finish() {
        // The stream closed itself when both FINs went through.
    }

    @Override
    public String toString() {
        return stream.toString();
    }
}
