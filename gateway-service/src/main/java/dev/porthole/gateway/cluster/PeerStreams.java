package dev.porthole.gateway.cluster;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.ingress.ConnectionTakeover;
import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.gateway.registry.TunnelKey;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.mux.StreamResetException;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetSocketInternal;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Carries one raw TCP stream (a visitor's connection to a public TCP port, or a dial of a private
 * tunnel) to the gateway instance that holds the port or tunnel: an HTTP {@code CONNECT} to that
 * instance's internal address, with the internal credential and the one-hop mark, naming the
 * target in {@link #STREAM_HEADER}. The holder answers 200 and the connection carries the bytes
 * from then on, or answers an error status (see {@link #refusal}) and closes it.
 */
@ApplicationScoped
public class PeerStreams {

    /** What a CONNECT between gateways reaches: {@code tcp:<port>}, {@code private:<name>} or {@code tls:<name>}. */
    public static final String STREAM_HEADER = "X-Porthole-Stream";
    /** Who the stream is for, as the forwarding instance saw it: the visitor's address, or the dialing client. */
    public static final String SOURCE_HEADER = "X-Porthole-Source";
    /** The reset code the holder's refusal stands for, so that a dialer learns why. */
    public static final String RESET_HEADER = "X-Porthole-Reset";

    private static final String CODEC = "porthole-connect";
    /** The most of a refusal's text kept for the dialer's message. */
    private static final int MAX_REFUSAL = 1024;

    private final ClusterMembership cluster;
    private final GatewayMetrics metrics;
    private final Vertx vertx;
    private final NetClient client;
    private final Duration idleTimeout;
    private final long headTimeoutMillis;

    public PeerStreams(ClusterMembership cluster, GatewayMetrics metrics, Vertx vertx, GatewayConfig config) {
        this.cluster = cluster;
        this.metrics = metrics;
        this.vertx = vertx;
        this.idleTimeout = config.tcp().idleTimeout();
        this.headTimeoutMillis =
                config.cluster().connectTimeout().plusSeconds(5).toMillis();
        // A plain socket rather than Vert.x's HttpClient: its tunnel socket cannot half-close, and TCP tunnels need it.
        NetClientOptions options = new NetClientOptions()
                .setConnectTimeout((int) config.cluster().connectTimeout().toMillis())
                .setTcpNoDelay(true);
        PeerMutualTls.of(config).ifPresent(mtls -> mtls.client(options));
        this.client = vertx.createNetClient(options);
    }

    /** Whether this gateway carries streams to other instances at all. */
    public boolean enabled() {
        return cluster.enabled();
    }

    /**
     * Opens a stream to the instance holding {@code key}; fails with a {@link StreamResetException}
     * saying why when nobody else holds it, the holder is gone or unreachable, or it refused. The
     * socket comes paused.
     */
    public Future<NetSocket> open(TunnelKey key, String source) {
        return cluster.locate(key)
                .recover(error -> Future.failedFuture(new StreamResetException(
                        ResetCode.INTERNAL, "the tunnel registry cannot be reached (" + error.getMessage() + ")")))
                .compose(route -> switch (route) {
                    case PeerRoute.NotElsewhere none ->
                        Future.failedFuture(new StreamResetException(
                                ResetCode.NO_SUCH_TUNNEL, "no gateway instance holds " + describe(key)));
                    case PeerRoute.Here here ->
                        Future.failedFuture(new StreamResetException(
                                ResetCode.NO_SUCH_TUNNEL,
                                "no other gateway instance holds " + describe(key)
                                        + ": a session on this one claimed it and serves it in a moment"));
                    case PeerRoute.Gone gone ->
                        Future.failedFuture(new StreamResetException(
                                ResetCode.NO_SUCH_TUNNEL,
                                describe(key) + " was held by gateway " + gone.gatewayId()
                                        + ", which is gone; its agent may reconnect in a moment"));
                    // A TCP port or private tunnel has one holder (HA covers HTTP names only).
                    case PeerRoute.Peers holders -> connect(holders.candidates().getFirst(), key, source);
                });
    }

    private Future<NetSocket> connect(PeerRoute.Peer peer, TunnelKey key, String source) {
        return client.connect(peer.address()).transform(connected -> {
            if (connected.failed()) {
                metrics.clusterForward("failed");
                return Future.failedFuture(
                        unreachable(peer, key, connected.cause().getMessage()));
            }
            return handshake((NetSocketInternal) connected.result(), peer, key, source);
        });
    }

    /**
     * Sends the CONNECT through Netty's HTTP codec, which leaves the pipeline once the answer is in,
     * so that the socket carries raw bytes (and half-closes) from then on.
     */
    private Future<NetSocket> handshake(NetSocketInternal socket, PeerRoute.Peer peer, TunnelKey key, String source) {
        Promise<NetSocket> done = Promise.promise();
        ChannelPipeline pipeline = socket.channelHandlerContext().pipeline();
        pipeline.addBefore(socket.channelHandlerContext().name(), CODEC, new HttpClientCodec());
        long deadline = vertx.setTimer(headTimeoutMillis, id -> {
            if (done.tryFail(unreachable(peer, key, "no answer within " + headTimeoutMillis / 1000 + " s"))) {
                socket.close();
            }
        });
        StringBuilder refusal = new StringBuilder();
        int[] status = {0};
        ResetCode[] code = {ResetCode.INTERNAL};
        socket.messageHandler(message -> {
            try {
                if (message instanceof HttpResponse response) {
                    vertx.cancelTimer(deadline);
                    status[0] = response.status().code();
                    if (status[0] == 200) {
                        socket.pause();
                        socket.messageHandler(null);
                        pipeline.remove(CODEC);
                        metrics.clusterForward("sent");
                        done.tryComplete(socket);
                        return;
                    }
                    code[0] = resetCode(response.headers().get(RESET_HEADER));
                }
                if (message instanceof HttpContent content && status[0] != 200) {
                    int room = MAX_REFUSAL - refusal.length();
                    if (room > 0) {
                        refusal.append(
                                content.content().toString(StandardCharsets.UTF_8),
                                0,
                                Math.min(room, content.content().readableBytes()));
                    }
                    if (message instanceof LastHttpContent) {
                        metrics.clusterForward("failed");
                        done.tryFail(new StreamResetException(
                                code[0],
                                "gateway " + peer.gatewayId() + " refused " + describe(key) + " (" + status[0] + ")"
                                        + (refusal.isEmpty()
                                                ? ""
                                                : ": " + refusal.toString().strip())));
                        socket.close();
                    }
                }
            } finally {
                ReferenceCountUtil.release(message);
            }
        });
        socket.exceptionHandler(error -> {
            if (done.tryFail(unreachable(peer, key, error.getMessage()))) {
                socket.close();
            }
        });
        socket.closeHandler(ignored -> done.tryFail(unreachable(peer, key, "the connection closed before an answer")));
        String authority = peer.address().host() + ":" + peer.address().port();
        DefaultFullHttpRequest request =
                new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.CONNECT, authority);
        request.headers()
                .set(HttpHeaderNames.HOST, authority)
                .set(ClusterMembership.TOKEN_HEADER, cluster.token())
                .set(ClusterMembership.HOP_HEADER, cluster.instanceId())
                .set(STREAM_HEADER, key.toString())
                .set(SOURCE_HEADER, source);
        socket.writeMessage(request);
        return done.future().onFailure(ignored -> vertx.cancelTimer(deadline));
    }

    private static StreamResetException unreachable(PeerRoute.Peer peer, TunnelKey key, String why) {
        return new StreamResetException(
                ResetCode.INTERNAL,
                describe(key) + " is held by gateway " + peer.gatewayId() + " at " + peer.address()
                        + ", which cannot be reached (" + why + ")");
    }

    private static ResetCode resetCode(String name) {
        try {
            return name == null ? ResetCode.INTERNAL : ResetCode.valueOf(name);
        } catch (IllegalArgumentException e) {
            return ResetCode.INTERNAL;
        }
    }

    /**
     * Answers a CONNECT this instance cannot serve: the status, the reset code a dialer gets, and a
     * one-line reason as the body.
     */
    public static void refusal(HttpServerRequest request, int status, ResetCode code, String reason) {
        request.response()
                .setStatusCode(status)
                .putHeader(RESET_HEADER, code.name())
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .putHeader("Connection", "close")
                .end(reason);
    }

    /** Accepts a CONNECT from another gateway: answers 200 and gives the raw socket, paused (see {@link #tcpSocket}). */
    public Future<NetSocket> accept(HttpServerRequest request) {
        metrics.clusterForward("received");
        return tcpSocket(request);
    }

    /**
     * Turns an accepted CONNECT (another gateway's, or a visitor's to a private tunnel) into the raw
     * socket, paused: its idle limit becomes the TCP tunnels' (the public HTTP port's is much
     * shorter), since the stream is a TCP connection now.
     */
    public Future<NetSocket> tcpSocket(HttpServerRequest request) {
        return ConnectionTakeover.toNetSocket(request).map(socket -> {
            socket.pause();
            ChannelPipeline pipeline =
                    ((NetSocketInternal) socket).channelHandlerContext().pipeline();
            IdleStateHandler idle = pipeline.get(IdleStateHandler.class);
            if (idle != null) {
                pipeline.replace(
                        idle, "idle", new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS));
            }
            return socket;
        });
    }

    private static String describe(TunnelKey key) {
        return switch (key.kind()) {
            case "tcp" -> "TCP port " + key.id();
            case "tls" -> "TLS tunnel '" + key.id() + "'";
            default -> "private tunnel '" + key.id() + "'";
        };
    }
}
