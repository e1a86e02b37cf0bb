package dev.porthole.gateway.support;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A visitor of the gateway's public port: real HTTP over loopback, with any Host header.
 *
 * <p>Everything the client does runs on one Vert.x context that the visitor owns. A request issued
 * straight from the test thread gets a fresh context each time, and with Vert.x 4.5 such a
 * response now and then never reached its future (about one request in thirty on a loaded
 * two-core machine): the gateway had answered, the test timed out.
 */
public final class Visitor {

    /** What came back. */
    public record Reply(int status, MultiMap headers, Buffer body) {
        public String text() {
            return body.toString();
        }

        public String header(String name) {
            return headers.get(name);
        }
    }

    private final HttpClient client;
    private final Context context;
    private final int port;
    private final String address;

    public Visitor(Vertx vertx, int port) {
        this(vertx, "127.0.0.1", port);
    }

    /** A visitor that connects to the gateway at {@code address} ({@code ::1} for an IPv6 visitor). */
    public Visitor(Vertx vertx, String address, int port) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
        this.context = vertx.getOrCreateContext();
        this.port = port;
        this.address = address;
    }

    /** Runs {@code exchange} with this visitor's client on its context and waits up to 20 seconds for its result. */
    public <T> T call(Function<HttpClient, Future<T>> exchange) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(ignored -> exchange.apply(client).onComplete(done -> {
            if (done.succeeded()) {
                result.complete(done.result());
            } else {
                result.completeExceptionally(done.cause());
            }
        }));
        return result.get(20, TimeUnit.SECONDS);
    }

    public Reply get(String host, String uri) {
        return send(HttpMethod.GET, host, uri, MultiMap.caseInsensitiveMultiMap(), null);
    }

    public Reply send(HttpMethod method, String host, String uri, MultiMap headers, Buffer body) {
        RequestOptions options = new RequestOptions()
                .setMethod(method)
                .setHost(address)
                .setPort(port)
                .setURI(uri)
                .setHeaders(headers);
        options.putHeader("Host", host);
        try {
            return call(http -> http.request(options)
                    .compose(request -> body == null ? request.send() : request.send(body))
                    .compose(response ->
                            response.body().map(bytes -> new Reply(response.statusCode(), response.headers(), bytes))));
        } catch (Exception e) {
            throw new AssertionError("request " + method + " " + host + uri + " failed: " + e, e);
        }
    }
}
