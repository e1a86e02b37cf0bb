package dev.porthole.gateway.support;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeUnit;

/** A visitor of the gateway's public port: real HTTP over loopback, with any Host header. */
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
    private final int port;

    public Visitor(Vertx vertx, int port) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
        this.port = port;
    }

    public Reply get(String host, String uri) {
        return send(HttpMethod.GET, host, uri, MultiMap.caseInsensitiveMultiMap(), null);
    }

    public Reply send(HttpMethod method, String host, String uri, MultiMap headers, Buffer body) {
        RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri).setHeaders(headers);
        options.putHeader("Host", host);
        try {
            return client.request(options)
                    .compose(request -> body == null ? request.send() : request.send(body))
                    .compose(response -> response.body().map(bytes -> new Reply(response.statusCode(), response.headers(), bytes)))
                    .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("request " + method + " " + host + uri + " failed: " + e, e);
        }
    }
}
