package dev.porthole.agent.demo;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * A small HTTP service to try a tunnel with, and the upstream that Porthole's own end-to-end tests
 * and benchmarks use: every response is something a client can verify.
 *
 * <pre>
 * GET  /                 a page describing the request as it arrived (headers, X-Forwarded-*)
 * GET  /hello            "hello" (for load tests)
 * GET  /bytes/N          N bytes of a fixed pseudo-random sequence (add ?chunked=true for chunked)
 * GET  /bytes/N/sha256   the SHA-256 of those N bytes
 * POST /digest           the SHA-256 and length of the request body
 * POST /echo             the request body, streamed back
 * GET  /sse?count=N&amp;interval=MS   N server-sent events, one every MS milliseconds
 * GET  /ws               a WebSocket that echoes every message
 * GET  /slow?delay=MS    answers after MS milliseconds
 * GET  /status/CODE      answers with that status
 * GET  /headers          the request headers as JSON
 * </pre>
 */
public final class DemoServer {

    private final Vertx vertx;
    private HttpServer server;

    public DemoServer(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Starts listening; completes with the bound port. */
    public Future<Integer> start(String host, int port) {
        server = vertx.createHttpServer(new HttpServerOptions()
                        .setHost(host)
                        .setPort(port)
                        .setTcpNoDelay(true)
                        .setCompressionSupported(false))
                .webSocketHandler(this::echoWebSocket)
                .requestHandler(this::handle);
        return server.listen().map(HttpServer::actualPort);
    }

    public Future<Void> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    private void handle(HttpServerRequest request) {
        String path = request.path();
        try {
            if (path.equals("/hello")) {
                request.response()
                        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
                        .end("hello\n");
            } else if (path.startsWith("/bytes/") && path.endsWith("/sha256")) {
                long total = Long.parseLong(path.substring("/bytes/".length(), path.length() - "/sha256".length()));
                request.response()
                        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
                        .end(DemoBytes.sha256(total));
            } else if (path.startsWith("/bytes/")) {
                sendBytes(request, Long.parseLong(path.substring("/bytes/".length())));
            } else if (path.equals("/digest")) {
                digest(request);
            } else if (path.equals("/echo")) {
                echo(request);
            } else if (path.equals("/sse")) {
                events(request, intParam(request, "count", 5), intParam(request, "interval", 100));
            } else if (path.equals("/slow")) {
                long delay = intParam(request, "delay", 1000);
                vertx.setTimer(Math.max(1, delay), id -> request.response().end("slept " + delay + " ms\n"));
            } else if (path.startsWith("/status/")) {
                request.response()
                        .setStatusCode(Integer.parseInt(path.substring("/status/".length())))
                        .end();
            } else if (path.equals("/headers")) {
                JsonObject headers = new JsonObject();
                request.headers()
                        .forEach(h -> headers.put(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
                request.response()
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end(new JsonObject()
                                .put("method", request.method().name())
                                .put("uri", request.uri())
                                .put("headers", headers)
                                .encode());
            } else if (path.equals("/")) {
                page(request);
            } else {
                request.response().setStatusCode(404).end("not found: " + path + "\n");
            }
        } catch (IllegalArgumentException e) {
            request.response().setStatusCode(400).end(e.getMessage() + "\n");
        }
    }

    private void sendBytes(HttpServerRequest request, long total) {
        HttpServerResponse response = request.response();
        if ("true".equals(request.getParam("chunked"))) {
            response.setChunked(true);
        } else {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(total));
        }
        response.putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream");
        new Object() {
            long index;
            long sent;

            void pump() {
                while (sent < total && !response.writeQueueFull()) {
                    int length = (int) Math.min(DemoBytes.BLOCK, total - sent);
                    response.write(DemoBytes.block(index++, length));
                    sent += length;
                }
                if (sent >= total) {
                    response.end();
                } else {
                    response.drainHandler(v -> pump());
                }
            }
        }.pump();
    }

    private void digest(HttpServerRequest request) {
        MessageDigest digest = sha256();
        long[] length = {0};
        request.handler(chunk -> {
            digest.update(chunk.getBytes());
            length[0] += chunk.length();
        });
        request.endHandler(v -> request.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject()
                        .put("sha256", HexFormat.of().formatHex(digest.digest()))
                        .put("length", length[0])
                        .encode()));
    }

    private void echo(HttpServerRequest request) {
        HttpServerResponse response = request.response().setChunked(true);
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type != null) {
            response.putHeader(HttpHeaders.CONTENT_TYPE, type);
        }
        request.pipeTo(response);
    }

    private void events(HttpServerRequest request, int count, int interval) {
        HttpServerResponse response = request.response()
                .setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        new Object() {
            int sent;

            void next() {
                if (response.closed()) {
                    return;
                }
                response.write("id: " + sent + "\ndata: event " + sent + " at " + System.currentTimeMillis() + "\n\n");
                sent++;
                if (sent >= count) {
                    response.end();
                } else {
                    vertx.setTimer(Math.max(1, interval), id -> next());
                }
            }
        }.next();
    }

    private void echoWebSocket(ServerWebSocket socket) {
        if (!socket.path().equals("/ws")) {
            socket.reject(404);
            return;
        }
        socket.textMessageHandler(socket::writeTextMessage);
        socket.binaryMessageHandler(socket::writeBinaryMessage);
    }

    private void page(HttpServerRequest request) {
        StringBuilder rows = new StringBuilder();
        for (Map.Entry<String, String> header : request.headers()) {
            rows.append("<tr><th>")
                    .append(escape(header.getKey()))
                    .append("</th><td>")
                    .append(escape(header.getValue()))
                    .append("</td></tr>\n");
        }
        request.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                .end("""
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Porthole demo</title>
                <style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:3rem auto;padding:0 1rem}
                th{text-align:left;padding-right:1rem;vertical-align:top}td{font-family:monospace}</style></head>
                <body><h1>It works: this page came through your Porthole tunnel</h1>
                <p>%s %s</p><table>%s</table></body></html>
                """.formatted(escape(request.method().name()), escape(request.uri()), rows));
    }

    private static int intParam(HttpServerRequest request, String name, int fallback) {
        String value = request.getParam(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("parameter '" + name + "' must be a number");
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
