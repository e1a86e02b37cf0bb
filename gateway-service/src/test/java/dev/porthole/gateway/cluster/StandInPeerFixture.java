package dev.porthole.gateway.cluster;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles.ClusterMember;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.gateway.support.Visitor;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.NetSocket;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the cluster tests of one gateway share: a stand-in for another instance (a plain HTTP
 * server that echoes bodies and reports the headers it got, answers CONNECT and upgrades by
 * echoing bytes, and closes the first connection of {@code /closed-once} under the request), a
 * visitor, and Redis entries that point at the stand-in.
 */
abstract class StandInPeerFixture {

    @Inject
    Vertx vertx;

    @Inject
    RedisAPI redis;

    final List<HttpServerRequest> peerRequests = new CopyOnWriteArrayList<>();
    HttpServer peer;
    private final AtomicBoolean closedOnce = new AtomicBoolean();
    TestAgent agent;
    Visitor visitor;

    @BeforeEach
    void startPeer() throws Exception {
        // The other instance: echoes the body and reports the headers it received.
        peer = vertx.createHttpServer()
                .requestHandler(request -> {
                    peerRequests.add(request);
                    if (request.path().equals("/closed-once") && closedOnce.getAndSet(true) == false) {
                        // A stopping instance closing a pooled connection just as a forwarded request arrives on it.
                        request.connection().close();
                        return;
                    }
                    if (request.method() == HttpMethod.CONNECT
                            || request.headers().contains("Upgrade")) {
                        // The holding instance of a carried stream or an upgrade: answers 200 or 101 and echoes the
                        // bytes.
                        request.response()
                                .putHeader("Upgrade", "websocket")
                                .putHeader("Connection", "Upgrade")
                                .putHeader("Sec-WebSocket-Accept", "peer-accept");
                        request.toNetSocket().onSuccess(socket -> socket.handler(socket::write));
                        return;
                    }
                    request.response()
                            .putHeader(
                                    "X-Peer-Saw-Token",
                                    String.valueOf(request.getHeader(ClusterMembership.TOKEN_HEADER)))
                            .putHeader(
                                    "X-Peer-Saw-Hop", String.valueOf(request.getHeader(ClusterMembership.HOP_HEADER)))
                            .putHeader("X-Peer-Saw-Forwarded-For", String.valueOf(request.getHeader("X-Forwarded-For")))
                            .putHeader("X-Peer-Saw-Host", String.valueOf(request.getHeader("Host")))
                            .setChunked(true);
                    request.pipeTo(request.response());
                })
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        visitor = new Visitor(vertx, GatewayPortResource.port());
    }

    @AfterEach
    void stop() throws Exception {
        peer.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        TestAgent.closeAndAwait(agent);
    }

    static MultiMap forwardedBy(String gatewayId) {
        return MultiMap.caseInsensitiveMultiMap()
                .add(ClusterMembership.TOKEN_HEADER, ClusterMember.INTERNAL_TOKEN)
                .add(ClusterMembership.HOP_HEADER, gatewayId);
    }

    /** Writes a message and completes with as many bytes as came back, then closes the socket. */
    static Future<String> echo(NetSocket socket, String message) {
        Promise<String> echoed = Promise.promise();
        Buffer received = Buffer.buffer();
        socket.handler(data -> {
            received.appendBuffer(data);
            if (received.length() >= message.length()) {
                echoed.tryComplete(received.toString());
                socket.close();
            }
        });
        socket.write(message);
        return echoed.future();
    }

    void set(String key, String value) throws Exception {
        redis.set(List.of(key, value, "PX", "60000"))
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
    }
}
