package dev.porthole.gateway.ingress;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetSocket;

/**
 * The one way a request on the public port takes its connection over (an agent's WebSocket, a
 * visitor's upgrade or CONNECT relayed as raw bytes): once Vert.x has handed the connection over, it
 * leaves the request-head deadline and the visitor count ({@link RequestHeadDeadline#takenOver}).
 * Until then, and for good when the upgrade is answered without one (a refusal, a 404), the
 * connection is an HTTP/1.1 one like any other, and its next request head is under the deadline.
 */
public final class ConnectionTakeover {

    private ConnectionTakeover() {}

    /** {@code request.toNetSocket()}: the raw socket of an answered upgrade or CONNECT. */
    public static Future<NetSocket> toNetSocket(HttpServerRequest request) {
        return request.toNetSocket().onSuccess(socket -> RequestHeadDeadline.takenOver(request));
    }

    /** {@code request.toWebSocket()}: an agent's connection. */
    public static Future<ServerWebSocket> toWebSocket(HttpServerRequest request) {
        return request.toWebSocket().onSuccess(socket -> RequestHeadDeadline.takenOver(request));
    }
}
