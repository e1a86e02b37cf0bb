package dev.porthole.agent.inspect;

import dev.porthole.agent.upstream.UpstreamResponse;
import dev.porthole.protocol.message.Header;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;

/**
 * Sends a captured request again, straight to the tunnel's local upstream (not through the
 * gateway), and records the answer as a new exchange marked as a replay of the first.
 */
public final class Replayer {

    /** Replays that may wait for one of the four connections; more fail at once (recorded as 502). */
    static final int MAX_WAITING = 32;

    private final HttpClient client;
    private final ExchangeStore store;
    private final Duration timeout;

    public Replayer(Vertx vertx, ExchangeStore store, Duration timeout) {
        this.store = store;
        this.timeout = timeout;
        // Keep-alive, like the tunnel's own client, so a replay carries no "Connection: close" the original lacked.
        this.client = vertx.createHttpClient(
                new HttpClientOptions()
                        .setKeepAlive(true)
                        .setKeepAliveTimeout(30)
                        .setConnectTimeout(5_000)
                        .setDecompressionSupported(false),
                new PoolOptions().setHttp1MaxSize(4).setMaxWaitQueueSize(MAX_WAITING));
    }

    /**
     * Replays {@code original} with {@code edits}. Completes with the new exchange once its response
     * has ended or it failed (a failure is recorded in the exchange, not as a failed future).
     *
     * @throws IllegalArgumentException when the edits are invalid or the body cannot be replayed
     */
    public Future<CapturedExchange> replay(CapturedExchange original, ReplayRequest edits) {
        ReplayRequest.Prepared prepared = edits.prepare(original);
        CapturedExchange replay = store.record(
                original.tunnel(),
                original.upstream(),
                prepared.head(),
                BodyCapture.of(prepared.body(), store.bodyCap()),
                original.id());
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (Header header : prepared.head().headers()) {
            headers.add(header.name(), header.value());
        }
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.valueOf(prepared.head().method()))
                .setHost(original.upstream().host())
                .setPort(original.upstream().port())
                .setURI(prepared.head().uri())
                .setHeaders(headers)
                .setIdleTimeout(timeout.toMillis());
        Promise<CapturedExchange> done = Promise.promise();
        String target = original.upstream().toString();
        client.request(options)
                .compose(request ->
                        prepared.body().length == 0 && !hasBody(prepared.head().method())
                                ? request.send()
                                : request.send(Buffer.buffer(prepared.body())))
                .onSuccess(response -> {
                    replay.responseHead(UpstreamResponse.head(response));
                    // The answer is read chunk by chunk, keeping only what fits under the cap.
                    response.handler(replay::responseBody);
                    response.exceptionHandler(error -> {
                        replay.failed(
                                response.statusCode(),
                                "the local service at " + target + " broke off the response: " + error.getMessage());
                        done.tryComplete(replay);
                    });
                    response.endHandler(ignored -> {
                        replay.completed();
                        done.tryComplete(replay);
                    });
                })
                .onFailure(error -> {
                    replay.failed(
                            502,
                            "the replay could not reach the local service at " + target + ": " + error.getMessage());
                    done.tryComplete(replay);
                });
        Log.infof(
                "replaying request %d as %d: %s %s",
                original.id(),
                replay.id(),
                prepared.head().method(),
                prepared.head().uri());
        return done.future();
    }

    private static boolean hasBody(String method) {
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }
}
