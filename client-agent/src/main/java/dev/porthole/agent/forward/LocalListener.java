package dev.porthole.agent.forward;

import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.protocol.relay.HalfCloseSocket;
import dev.porthole.protocol.relay.RelayEnd;
import dev.porthole.protocol.relay.Splice;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A local TCP port whose connections are each joined to a far end: a target socket
 * ({@code porthole forward}) or a stream to a private tunnel ({@code porthole connect}). Same relay,
 * half-close and limits as a tunnel: at most {@code maxConnections} at once (more are reset), and a
 * connection idle for {@code idleTimeout} is closed.
 */
public final class LocalListener {

    private final Vertx vertx;
    private final UpstreamAddress listen;
    private final int maxConnections;
    private final Duration idleTimeout;
    private final Function<String, Future<RelayEnd>> farEnd;
    private final AtomicInteger connections = new AtomicInteger();
    private NetServer server;

    /**
     * @param farEnd opens the far end for a connection from the given source address; a failed future resets the connection
     */
    public LocalListener(
            Vertx vertx,
            UpstreamAddress listen,
            int maxConnections,
            Duration idleTimeout,
            Function<String, Future<RelayEnd>> farEnd) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("--max-connections must be at least 1, was " + maxConnections);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("--idle-timeout must be positive, was " + idleTimeout);
        }
        this.vertx = vertx;
        this.listen = listen;
        this.maxConnections = maxConnections;
        this.idleTimeout = idleTimeout;
        this.farEnd = farEnd;
    }

    /** Binds; completes with the port bound (the one asked for, or a free one for port 0). */
    public Future<Integer> start() {
        server = vertx.createNetServer(new NetServerOptions()
                .setTcpNoDelay(true)
                .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, idleTimeout.toMillis()))
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
        return server.connectHandler(this::accept)
                .listen(listen.port(), listen.host())
                .map(NetServer::actualPort);
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    /** Connections open now. */
    public int connections() {
        return connections.get();
    }

    private void accept(NetSocket socket) {
        HalfCloseSocket local = HalfCloseSocket.wrapUnread(socket);
        String source = address(socket.remoteAddress());
        if (connections.incrementAndGet() > maxConnections) {
            connections.decrementAndGet();
            Log.warnf(
                    "refused a connection from %s: %d connections is the limit (--max-connections)",
                    source, maxConnections);
            local.abort(new IllegalStateException("connection limit reached"));
            return;
        }
        farEnd.apply(source).onComplete(far -> {
            if (far.failed()) {
                connections.decrementAndGet();
                Log.warnf("connection from %s refused: %s", source, far.cause().getMessage());
                local.abort(far.cause());
                return;
            }
            Splice.join(local, far.result()).onComplete(done -> {
                connections.decrementAndGet();
                if (done.failed()) {
                    Log.infof(
                            "connection from %s broke off: %s",
                            source, done.cause().getMessage());
                }
            });
        });
    }

    private static String address(SocketAddress address) {
        if (address == null) {
            return "unknown";
        }
        return new UpstreamAddress(address.hostAddress(), address.port()).toString();
    }
}
