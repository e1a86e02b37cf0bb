package dev.porthole.agent.api;

import dev.porthole.agent.tunnel.StreamAcceptor;
import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.agent.upstream.HttpUpstream;
import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.mux.MuxStream;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Hands an HTTP tunnel's requests to the application's Vert.x handler through an HTTP server of its
 * own on an ephemeral loopback port, fed by the agent's {@link HttpUpstream} like any local service:
 * the same streaming, back-pressure, timeouts and WebSocket upgrades as {@code porthole http}.
 * Vert.x 4 has no public way to feed a stream into its HTTP server without a socket, and parsing
 * HTTP here ourselves would be a second, weaker HTTP server; one loopback hop costs about as much as
 * the CLI agent's hop to a local service.
 *
 * <p>Other programs on the machine can reach that port too, bypassing the gateway's credentials and
 * edge policy: every request relayed from the tunnel carries a random key of this listener in
 * {@link #KEY_HEADER}, which is checked in constant time and removed before the handler runs; a
 * request without it is answered 403 and never reaches the handler.
 */
final class LocalHttpServer implements StreamAcceptor {

    /** Carries this listener's key from the relay to its server; never seen by the application's handler. */
    static final String KEY_HEADER = "X-Porthole-Listener-Key";

    private static final Logger LOG = Logger.getLogger(PortholeListener.class);
    /** Keep-alive connections kept from the relay to the server. */
    private static final int CONNECTIONS = 32;

    private final String key;
    private final byte[] keyBytes;
    private final HttpUpstream relay;
    private volatile HttpServer server;
    private volatile Handler<HttpServerRequest> handler = LocalHttpServer::noHandlerYet;

    private LocalHttpServer(Vertx vertx, Duration responseTimeout) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.key = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        this.keyBytes = key.getBytes(StandardCharsets.US_ASCII);
        this.relay = new HttpUpstream(vertx, CONNECTIONS, responseTimeout, (tunnel, method, uri, status, took) -> {});
    }

    /** Starts the server on 127.0.0.1 and an ephemeral port. */
    static Future<LocalHttpServer> start(Vertx vertx, Duration responseTimeout) {
        LocalHttpServer local = new LocalHttpServer(vertx, responseTimeout);
        return vertx.createHttpServer(new HttpServerOptions()
                        .setHost("127.0.0.1")
                        .setPort(0)
                        .setTcpNoDelay(true)
                        .setMaxHeaderSize(64 * 1024))
                .requestHandler(local::onRequest)
                .listen()
                .map(server -> {
                    local.server = server;
                    return local;
                });
    }

    /** Where the relay sends the tunnel's requests: the tunnel's upstream. */
    UpstreamAddress address() {
        return new UpstreamAddress("127.0.0.1", server.actualPort());
    }

    void handler(Handler<HttpServerRequest> handler) {
        this.handler = handler;
    }

    @Override
    public void accept(MuxStream stream, Open open, TunnelSpec tunnel) {
        HttpRequestHead head = open.request();
        if (head == null) {
            relay.accept(stream, open, tunnel);
            return;
        }
        List<Header> headers = new ArrayList<>(head.headers().size() + 1);
        for (Header header : head.headers()) {
            if (!header.name().equalsIgnoreCase(KEY_HEADER)) {
                headers.add(header);
            }
        }
        headers.add(new Header(KEY_HEADER, key));
        Open keyed = new Open(
                open.streamId(),
                open.tunnel(),
                open.source(),
                new HttpRequestHead(head.method(), head.uri(), headers),
                open.fin());
        relay.accept(stream, keyed, tunnel);
    }

    private void onRequest(HttpServerRequest request) {
        String given = request.getHeader(KEY_HEADER);
        if (given == null || !MessageDigest.isEqual(keyBytes, given.getBytes(StandardCharsets.US_ASCII))) {
            LOG.warnf(
                    "refused %s %s from %s: it did not come through the tunnel",
                    request.method(), request.path(), request.remoteAddress());
            request.response()
                    .setStatusCode(403)
                    .putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end("This port serves a Porthole tunnel; reach it through the Porthole gateway.\n");
            return;
        }
        request.headers().remove(KEY_HEADER);
        handler.handle(request);
    }

    private static void noHandlerYet(HttpServerRequest request) {
        request.response()
                .setStatusCode(503)
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .end("The application has not installed its handler yet (PortholeListener.handle).\n");
    }
}
