package dev.porthole.agent.upstream;

import dev.porthole.agent.tunnel.StreamAcceptor;
import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.message.HttpResponseHead;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.protocol.relay.FittedReadBuffers;
import dev.porthole.protocol.relay.StreamRelay;
import io.netty.channel.EventLoop;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Serves HTTP streams: sends each visitor's request to the local upstream through a pooled
 * keep-alive client and streams the response back, both directions through Vert.x pipes. An
 * upstream that refuses becomes a reset the gateway shows as 502, one that is too slow a 504,
 * each naming the local address.
 */
public final class HttpUpstream implements StreamAcceptor {

    // JBoss Logging rather than Quarkus's static Log, which throws outside a Quarkus application: the listener API
    // (dev.porthole.agent.api) serves HTTP tunnels through this class in a plain main. Named like Quarkus's Log so
    // that the calls read as before.
    private static final Logger Log = Logger.getLogger(HttpUpstream.class);

    /** Bodies up to this size with a declared length are read whole and sent with their head in one write. */
    static final long WHOLE_BODY_LIMIT = 16 * 1024;

    private final Vertx vertx;
    private final int maxConnections;
    /**
     * One pooled client per protocol, certificate check and event loop, made when a tunnel first needs it.
     * The insecure ones serve local services with a certificate nobody vouches for
     * ({@code --upstream-tls-insecure}): they trust any and check no host name. A request takes the client
     * of the event loop it arrived on, whose connections are on that loop too: Vert.x's pool hands out the
     * connection used last whatever its loop, so with one client for all, a request arriving on one agent
     * connection's loop (a pool's lane) went out over a connection on another's, and crossed between the
     * two threads on its way out and on its way back.
     */
    private final Map<ClientKind, HttpClient> clients = new ConcurrentHashMap<>();

    private record ClientKind(UpstreamProtocol protocol, boolean insecure, EventLoop eventLoop) {}

    private final Duration responseTimeout;
    private final RequestLog log;
    private final ExchangeTap tap;

    public HttpUpstream(Vertx vertx, int maxConnections, Duration responseTimeout, RequestLog log) {
        this(vertx, maxConnections, responseTimeout, log, ExchangeTap.NONE);
    }

    /**
     * With a tap that sees every exchange (the inspector). {@code maxConnections} bounds the keep-alive
     * connections of each event loop requests arrive on (each of a pool's agent connections has its own).
     */
    public HttpUpstream(Vertx vertx, int maxConnections, Duration responseTimeout, RequestLog log, ExchangeTap tap) {
        this.vertx = vertx;
        this.maxConnections = maxConnections;
        this.responseTimeout = responseTimeout;
        this.log = log;
        this.tap = tap;
    }

    private HttpClient client(UpstreamHttpOptions http) {
        EventLoop eventLoop = ((ContextInternal) vertx.getOrCreateContext()).nettyEventLoop();
        return clients.computeIfAbsent(
                new ClientKind(http.protocol(), http.tls() && !http.tlsVerify(), eventLoop), this::createClient);
    }

    private HttpClient createClient(ClientKind kind) {
        HttpClientOptions options = clientOptions();
        if (kind.insecure()) {
            options.setTrustAll(true).setVerifyHost(false);
        } else {
            options.setVerifyHost(true);
        }
        switch (kind.protocol()) {
            // Prior knowledge: no HTTP/1.1 Upgrade round trip, which gRPC servers do not answer.
            case H2C -> options.setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false);
            case H2 -> options.setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true);
            case HTTP1 -> {}
        }
        return vertx.httpClientBuilder()
                .with(options)
                // HTTP/2 multiplexes: a few connections carry every stream.
                .with(new PoolOptions().setHttp1MaxSize(maxConnections).setHttp2MaxSize(4))
                .withConnectHandler(HttpUpstream::fitReads)
                .build();
    }

    /**
     * Reads into buffers that fit what arrives, as a TCP upstream's are: Vert.x reads a connection whose
     * receive buffer size is set into buffers of that size (256 KiB, for large body chunks), and one that
     * large is no pooled buffer a thread keeps at hand: every small response took one from the shared
     * pool and gave it back.
     */
    private static void fitReads(HttpConnection connection) {
        if (connection instanceof ConnectionBase base) {
            base.channel().config().setRecvByteBufAllocator(FittedReadBuffers.upTo(TcpUpstream.RECEIVE_BUFFER_SIZE));
        }
    }

    private static HttpClientOptions clientOptions() {
        return new HttpClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(60)
                .setTcpNoDelay(true)
                .setReceiveBufferSize(TcpUpstream.RECEIVE_BUFFER_SIZE)
                // A body chunk as large as a read: one DATA frame per read rather than one per 8 KiB.
                .setMaxChunkSize(TcpUpstream.RECEIVE_BUFFER_SIZE)
                .setDecompressionSupported(false)
                .setTryUseCompression(false)
                .setConnectTimeout(5_000)
                .setMaxHeaderSize(64 * 1024);
    }

    @Override
    public void accept(MuxStream stream, Open open, TunnelSpec tunnel) {
        HttpRequestHead head = open.request();
        if (head == null) {
            stream.reset(
                    ResetCode.STREAM_ERROR, "tunnel '" + tunnel.name() + "' is HTTP but the stream carries no request");
            return;
        }
        new Exchange(stream, head, tunnel).start();
    }

    /** One request from the gateway to the upstream and its response back. */
    private final class Exchange {
        private final MuxStream stream;
        private final HttpRequestHead head;
        private final TunnelSpec tunnel;
        private final UpstreamAddress upstream;
        private final ExchangeTap.Recording recording;
        private final long startNanos = System.nanoTime();
        private final AtomicBoolean done = new AtomicBoolean();
        private long timer = -1;

        Exchange(MuxStream stream, HttpRequestHead head, TunnelSpec tunnel) {
            this.stream = stream;
            this.head = head;
            this.tunnel = tunnel;
            this.upstream = tunnel.upstream();
            this.recording = tap.begin(tunnel, head);
        }

        void start() {
            stream.pause();
            boolean chunked = false;
            boolean upgrade = false;
            MultiMap headers = MultiMap.caseInsensitiveMultiMap();
            for (Header header : head.headers()) {
                String lower = header.name().toLowerCase(Locale.ROOT);
                if (lower.equals("transfer-encoding")) {
                    chunked = true;
                    continue;
                }
                if (lower.equals("upgrade")) {
                    upgrade = true;
                }
                headers.add(header.name(), header.value());
            }
            String host = tunnel.http().host(upstream);
            if (host != null) {
                headers.set(HttpHeaders.HOST, host);
            }
            String authorization = tunnel.http().authorization();
            if (authorization != null) {
                headers.set(HttpHeaders.AUTHORIZATION, authorization);
            }
            HttpClient client = client(tunnel.http());
            RequestOptions options = new RequestOptions()
                    .setSsl(tunnel.http().tls())
                    .setMethod(HttpMethod.valueOf(head.method()))
                    .setHost(upstream.host())
                    .setPort(upstream.port())
                    .setURI(head.uri())
                    .setHeaders(headers);
            if (tunnel.http().protocol() != UpstreamProtocol.HTTP1) {
                http2Authority(options, headers);
            }
            boolean isUpgrade = upgrade;
            boolean isChunked = chunked;
            timer = vertx.setTimer(
                    responseTimeout.toMillis(),
                    id -> fail(
                            ResetCode.UPSTREAM_TIMEOUT,
                            504,
                            "the local service at " + upstream + " did not answer within " + responseTimeout.toSeconds()
                                    + " s"));
            stream.exceptionHandler(error -> {
                // The visitor went away or the tunnel dropped: stop the upstream request too.
                done.set(true);
                vertx.cancelTimer(timer);
                recording.failed(499, "the visitor or the tunnel went away: " + describe(error));
            });
            client.request(options).onComplete(result -> {
                if (result.failed()) {
                    fail(
                            ResetCode.UPSTREAM_REFUSED,
                            502,
                            "the agent could not connect to the local service at " + upstream + ": "
                                    + describe(result.cause()));
                    return;
                }
                HttpClientRequest request = result.result();
                stream.exceptionHandler(error -> {
                    done.set(true);
                    vertx.cancelTimer(timer);
                    request.reset();
                    recording.failed(499, "the visitor or the tunnel went away: " + describe(error));
                });
                if (isUpgrade) {
                    request.connect()
                            .onComplete(response -> onUpgradeResponse(request, response.result(), response.cause()));
                    stream.resume();
                    return;
                }
                if (isChunked
                        || (tunnel.http().protocol() != UpstreamProtocol.HTTP1
                                && !headers.contains(HttpHeaders.CONTENT_LENGTH))) {
                    // HTTP/2 frames the body itself; Vert.x wants either a length or "chunked" to stream it.
                    request.setChunked(true);
                }
                StreamRelay.relay(stream, new TappedWriteStream(request, recording::requestBody))
                        .onFailure(error -> request.reset());
                request.response().onComplete(response -> {
                    if (response.failed()) {
                        fail(
                                ResetCode.UPSTREAM_ERROR,
                                502,
                                "the local service at " + upstream + " failed: " + describe(response.cause()));
                    } else {
                        relay(response.result());
                    }
                });
            });
        }

        /**
         * HTTP/2 names the host in {@code :authority}, not in a Host field, and has no connection-specific
         * fields (RFC 9113 8.2.2): the Host becomes the authority, the connection goes to the upstream.
         */
        private void http2Authority(RequestOptions options, MultiMap headers) {
            String host = headers.get(HttpHeaders.HOST);
            headers.remove(HttpHeaders.HOST);
            List.of("connection", "keep-alive", "proxy-connection", "upgrade").forEach(headers::remove);
            if (host != null) {
                HostAndPort authority = HostAndPort.parseAuthority(host, -1);
                if (authority != null) {
                    options.setServer(SocketAddress.inetSocketAddress(upstream.port(), upstream.host()))
                            .setHost(authority.host())
                            .setPort(authority.port() > 0 ? authority.port() : upstream.port());
                }
            }
        }

        private void relay(HttpClientResponse response) {
            if (!answered()) {
                response.request().reset();
                return;
            }
            HttpResponseHead responseHead = UpstreamResponse.head(response);
            recording.responseHead(responseHead);
            if (UpstreamResponse.bodyless(response)) {
                // Nothing will follow the head: one RESPONSE frame with FIN instead of a head and a FIN.
                stream.respond(responseHead, true);
                response.end().onComplete(result -> {
                    recording.completed();
                    logCompleted(response.statusCode());
                });
                return;
            }
            long length = UpstreamResponse.contentLength(response);
            if (length > 0 && length <= WHOLE_BODY_LIMIT) {
                // A small body of known length: read it whole, then head, body and end leave in one write to the
                // gateway.
                response.body().onComplete(body -> {
                    if (body.failed()) {
                        brokeOff(response, body.cause());
                    } else {
                        recording.responseBody(body.result());
                        stream.respond(responseHead);
                        stream.write(body.result());
                        stream.end(UpstreamResponse.trailers(response));
                        recording.completed();
                    }
                    logCompleted(response.statusCode());
                });
                return;
            }
            stream.respond(responseHead);
            response.pipe()
                    .endOnFailure(false)
                    .endOnSuccess(false)
                    .to(new TappedWriteStream(stream, recording::responseBody))
                    .onComplete(result -> {
                        if (result.failed()) {
                            brokeOff(response, result.cause());
                        } else {
                            // Ended here rather than by the pipe: the trailers (gRPC's status) arrive with the end.
                            stream.end(UpstreamResponse.trailers(response));
                            recording.completed();
                        }
                        logCompleted(response.statusCode());
                    });
        }

        /** The upstream failed after its head went out: the visitor's response is cut, not completed. */
        private void brokeOff(HttpClientResponse response, Throwable cause) {
            String reason = "the local service at " + upstream + " broke off the response: " + describe(cause);
            stream.reset(ResetCode.UPSTREAM_ERROR, reason);
            recording.failed(response.statusCode(), reason);
        }

        private void onUpgradeResponse(HttpClientRequest request, HttpClientResponse response, Throwable failure) {
            if (failure != null) {
                fail(
                        ResetCode.UPSTREAM_ERROR,
                        502,
                        "the local service at " + upstream + " failed the upgrade: " + describe(failure));
                return;
            }
            if (!answered()) {
                request.reset();
                return;
            }
            HttpResponseHead responseHead = UpstreamResponse.head(response);
            recording.responseHead(responseHead);
            recording.completed();
            stream.respond(responseHead);
            logCompleted(response.statusCode());
            if (response.statusCode() != 101) {
                response.pipe().endOnFailure(false).to(stream);
                return;
            }
            NetSocket socket = response.netSocket();
            StreamRelay.relay(stream, socket).onFailure(error -> socket.close());
            socket.pipe()
                    .endOnFailure(false)
                    .to(stream)
                    .onFailure(error -> stream.reset(ResetCode.UPSTREAM_ERROR, "upstream socket failed"));
        }

        /** Marks the head as sent; false if a timeout or failure already answered. */
        private boolean answered() {
            if (!done.compareAndSet(false, true)) {
                return false;
            }
            vertx.cancelTimer(timer);
            return true;
        }

        private void fail(ResetCode code, int status, String message) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            vertx.cancelTimer(timer);
            stream.reset(code, message);
            recording.failed(status, message);
            Log.warnf("%s %s -> %s", head.method(), head.uri(), message);
            logCompleted(status);
        }

        private void logCompleted(int status) {
            log.completed(
                    tunnel.name(), head.method(), head.uri(), status, Duration.ofNanos(System.nanoTime() - startNanos));
        }
    }

    private static String describe(Throwable error) {
        if (error instanceof ConnectException) {
            return "connection refused";
        }
        String message = error.getMessage();
        return message == null ? error.getClass().getSimpleName() : message;
    }
}
