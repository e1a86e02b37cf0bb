package dev.porthole.gateway.support;

import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpResponseHead;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.mux.MuxStream;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.function.BiConsumer;

/** Scripted upstream behaviours for {@link TestAgent#serving}. */
public final class Upstreams {

    private Upstreams() {}

    /** Reads the whole request, then answers with a status and a body of known length. */
    public static BiConsumer<MuxStream, Open> respond(int status, String body) {
        return (stream, open) -> {
            stream.handler(data -> {});
            stream.endHandler(v -> {
                Buffer bytes = Buffer.buffer(body);
                stream.respond(new HttpResponseHead(
                        status,
                        "",
                        List.of(
                                new Header("Content-Length", String.valueOf(bytes.length())),
                                new Header("Content-Type", "text/plain"))));
                stream.end(bytes);
            });
        };
    }

    /**
     * Reads the whole request, then answers as a gRPC server does: 200, {@code application/grpc},
     * a body of unknown length, and the stream ended with {@code trailers} (TRAILERS).
     */
    public static BiConsumer<MuxStream, Open> grpc(String body, List<Header> trailers) {
        return (stream, open) -> {
            stream.handler(data -> {});
            stream.endHandler(ignored -> {
                stream.respond(new HttpResponseHead(200, "", List.of(new Header("Content-Type", "application/grpc"))));
                stream.write(Buffer.buffer(body));
                stream.end(trailers);
            });
        };
    }

    /** Answers 200 at once and streams the request body back (no length: the gateway chunks it). */
    public static BiConsumer<MuxStream, Open> echo() {
        return (stream, open) -> {
            stream.respond(
                    new HttpResponseHead(200, "OK", List.of(new Header("Content-Type", "application/octet-stream"))));
            stream.pipeTo(stream);
        };
    }

    /** Resets every stream at once, as the agent does when the upstream refuses. */
    public static BiConsumer<MuxStream, Open> reset(ResetCode code, String message) {
        return (stream, open) -> stream.reset(code, message);
    }

    /** Never answers. */
    public static BiConsumer<MuxStream, Open> silent() {
        return (stream, open) -> stream.handler(data -> {});
    }

    /** Starts a chunked response, sends a little, then breaks off. */
    public static BiConsumer<MuxStream, Open> breakAfterHead() {
        return (stream, open) -> {
            stream.respond(new HttpResponseHead(200, "OK", List.of()));
            stream.write(Buffer.buffer("partial"));
            stream.reset(ResetCode.UPSTREAM_ERROR, "upstream died");
        };
    }

    /** Reads the whole request, then answers 200 with this body, written as fast as the stream's credit allows. */
    public static BiConsumer<MuxStream, Open> download(Buffer body) {
        return (stream, open) -> {
            stream.handler(data -> {});
            stream.endHandler(v -> {
                stream.respond(new HttpResponseHead(
                        200, "", List.of(new Header("Content-Length", String.valueOf(body.length())))));
                writeFrom(stream, body, 0);
            });
        };
    }

    private static void writeFrom(MuxStream stream, Buffer body, int offset) {
        int at = offset;
        while (at < body.length() && !stream.writeQueueFull()) {
            int end = Math.min(body.length(), at + 16 * 1024);
            stream.write(body.slice(at, end));
            at = end;
        }
        if (at == body.length()) {
            stream.end();
            return;
        }
        int next = at;
        stream.drainHandler(ignored -> writeFrom(stream, body, next));
    }
}
