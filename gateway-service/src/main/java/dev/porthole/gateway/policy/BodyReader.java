package dev.porthole.gateway.policy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a paused request's body into memory for a signature check, never past a limit: the chunk
 * that would pass it fails the read with {@link TooLarge} and the request is paused again.
 */
final class BodyReader {

    private BodyReader() {}

    static Future<Buffer> read(HttpServerRequest request, long limit) {
        Buffer body = Buffer.buffer();
        if (request.isEnded()) {
            return Future.succeededFuture(body);
        }
        Promise<Buffer> done = Promise.promise();
        request.handler(chunk -> {
            if (body.length() + (long) chunk.length() > limit) {
                request.pause();
                request.handler(null);
                done.tryFail(new TooLarge());
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(done::tryFail);
        request.endHandler(ignored -> done.tryComplete(body));
        request.resume();
        return done.future();
    }

    /** The body passed the limit. */
    static final class TooLarge extends RuntimeException {
        TooLarge() {
            super("the request body is larger than the limit", null, false, false);
        }
    }
}
