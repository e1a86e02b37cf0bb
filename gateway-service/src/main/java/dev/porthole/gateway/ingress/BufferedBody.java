package dev.porthole.gateway.ingress;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * Sends a body already in memory (read by a policy to verify its signature) to a stream in slices,
 * waiting for the stream to drain whenever its queue is full, as a pipe from the visitor would.
 */
final class BufferedBody {

    static final int SLICE = 16 * 1024;

    private final Buffer body;
    private final WriteStream<Buffer> sink;
    private final Promise<Void> done = Promise.promise();
    private int offset;
    private boolean ended;

    private BufferedBody(Buffer body, WriteStream<Buffer> sink) {
        this.body = body;
        this.sink = sink;
    }

    /** Writes {@code body} and ends {@code sink}; fails as soon as a write fails. */
    static Future<Void> write(Buffer body, WriteStream<Buffer> sink) {
        BufferedBody writer = new BufferedBody(body, sink);
        writer.next();
        return writer.done.future();
    }

    private void next() {
        while (offset < body.length()) {
            if (done.future().isComplete()) {
                return;
            }
            if (sink.writeQueueFull()) {
                sink.drainHandler(ignored -> next());
                return;
            }
            int end = Math.min(body.length(), offset + SLICE);
            sink.write(body.slice(offset, end)).onFailure(done::tryFail);
            offset = end;
        }
        sink.drainHandler(null);
        if (!ended && !done.future().isComplete()) {
            ended = true;
            sink.end().onComplete(done);
        }
    }
}
