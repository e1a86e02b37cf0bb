package dev.porthole.gateway.cluster;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.ingress.ConnectionTakeover;
import dev.porthole.gateway.ingress.ForwardedRequest;
import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.gateway.registry.TunnelKey;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HopByHop;
import dev.porthole.protocol.message.HttpFieldRules;
import dev.porthole.protocol.relay.ForwardingWriteStream;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.NetSocket;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Carries a visitor's request to the gateway instance whose agent serves the tunnel, and its
 * response back: the visitor's body is piped into the forwarded request and the response body into
 * the visitor's response, so the slower side paces the faster one and nothing is collected in memory.
 */
@ApplicationScoped
public class PeerForwarding {

    private final ClusterMembership cluster;
    private final GatewayMetrics metrics;
    private final HttpClient client;
    private final ForwardedRequest forwarded;
    private final Vertx vertx;
    private final long headTimeoutMillis;

    public PeerForwarding(
            ClusterMembership cluster,
            GatewayMetrics metrics,
            Vertx vertx,
            GatewayConfig config,
            ForwardedRequest forwarded) {
        this.cluster = cluster;
        this.metrics = metrics;
        this.forwarded = forwarded;
        this.vertx = vertx;
        // The holding instance answers 504 at its response timeout; only an instance that stopped answering at all gets
        // here.
        this.headTimeoutMillis = config.http().responseTimeout().plusSeconds(5).toMillis();
        HttpClientOptions options = new HttpClientOptions()
                .setConnectTimeout((int) config.cluster().connectTimeout().toMillis())
                .setTcpNoDelay(true)
                .setKeepAlive(true)
                // A peer that stops sending mid-body would otherwise hold the visitor as long as the visitor's side
                // stays busy (a slow upload): the visitors' idle timeout, counted on what the peer sends, cuts it
                // (the pipe fails and the visitor's connection closes).
                .setReadIdleTimeout((int) config.http().idleTimeout().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setDecompressionSupported(false)
                .setMaxInitialLineLength(
                        (int) config.http().maxInitialLineLength().asLongValue())
                .setMaxHeaderSize((int) config.http().maxHeaderSize().asLongValue());
        PeerMutualTls.of(config).ifPresent(mtls -> mtls.client(options));
        this.client = vertx.createHttpClient(
                options, new PoolOptions().setHttp1MaxSize(config.cluster().maxConnectionsPerPeer()));
    }

    /** Asks the registry which other instances hold an HTTP tunnel and where they listen. */
    public Future<PeerRoute> locate(String tunnel) {
        return cluster.locate(TunnelKey.http(tunnel));
    }

    /**
     * Forwards a paused request to the first of {@code candidates} that can be reached and relays
     * the answer; completes with the status the visitor got, or fails with {@link Unreachable} when
     * none could be reached before any response started (the caller then writes an error page). A
     * candidate that refuses the connection (a killed instance whose address has not expired yet)
     * costs one connection attempt: the request moves on to the next holder at once. So does one
     * that drops the connection before answering a request without a body whose method is idempotent.
     */
    public Future<Integer> forward(HttpServerRequest request, String tunnel, List<PeerRoute.Peer> candidates) {
        return forward(request, tunnel, candidates, 0);
    }

    private Future<Integer> forward(
            HttpServerRequest request, String tunnel, List<PeerRoute.Peer> candidates, int index) {
        PeerRoute.Peer peer = candidates.get(index);
        return forwardTo(request, tunnel, peer).recover(error -> {
            boolean another =
                    index + 1 < candidates.size() && !request.response().closed();
            if (another && (error instanceof NotSent || retriable(request, error))) {
                Throwable cause = error instanceof NotSent ? error.getCause() : error;
                // Counted (outcome=retried) rather than logged at INFO: a dead holder would log once per request until
                // it sorts last.
                Log.debugf(
                        "tunnel '%s': gateway %s at %s cannot be reached (%s); trying gateway %s, which holds the tunnel too",
                        tunnel,
                        peer.gatewayId(),
                        peer.address(),
                        cause.getMessage(),
                        candidates.get(index + 1).gatewayId());
                metrics.clusterForward("retried");
                return forward(request, tunnel, candidates, index + 1);
            }
            boolean notSent = error instanceof NotSent;
            List<String> tried = candidates.subList(0, index + 1).stream()
                    .map(PeerRoute.Peer::gatewayId)
                    .toList();
            return Future.failedFuture(new Unreachable(
                    peer, notSent ? error.getCause() : error, notSent, notSent || retriable(request, error), tried));
        });
    }

    /** Sent, but the connection broke before a response head: safe to send again only without a body and for an idempotent method. */
    private static boolean retriable(HttpServerRequest request, Throwable error) {
        HttpMethod method = request.method();
        boolean idempotent = method == HttpMethod.GET
                || method == HttpMethod.HEAD
                || method == HttpMethod.OPTIONS
                || method == HttpMethod.TRACE;
        return idempotent && !hasBody(request) && !(error instanceof TimeoutException);
    }

    /** No instance holding the tunnel could be reached; {@code peer} was the last one tried. */
    public static final class Unreachable extends RuntimeException {
        private final PeerRoute.Peer peer;
        private final boolean notSent;
        private final boolean resendable;
        private final List<String> tried;

        Unreachable(PeerRoute.Peer peer, Throwable cause, boolean notSent, boolean resendable, List<String> tried) {
            super(
                    cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(),
                    cause,
                    false,
                    false);
            this.peer = peer;
            this.notSent = notSent;
            this.resendable = resendable;
            this.tried = tried;
        }

        public PeerRoute.Peer peer() {
            return peer;
        }

        /** No connection to the last instance could be had: nothing was sent, and the request is still paused and whole. */
        public boolean notSent() {
            return notSent;
        }

        /**
         * The request may be sent again: nothing of it left, or the connection broke before a response
         * head and it has no body and an idempotent method (a pooled connection the peer was closing
         * as the request went out, as a stopping gateway does).
         */
        public boolean resendable() {
            return resendable;
        }

        /** The holders among {@code candidates} not tried yet. */
        public List<PeerRoute.Peer> untried(List<PeerRoute.Peer> candidates) {
            return candidates.stream()
                    .filter(candidate -> !tried.contains(candidate.gatewayId()))
                    .toList();
        }
    }

    /** The connection to a peer failed, so nothing of the request left: another peer may take it. */
    private static final class NotSent extends RuntimeException {
        NotSent(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private Future<Integer> forwardTo(HttpServerRequest request, String tunnel, PeerRoute.Peer peer) {
        return client.request(options(request, peer))
                .recover(error -> Future.failedFuture(new NotSent(error)))
                .compose(out -> {
                    prepare(request, out, false);
                    Future<HttpClientResponse> answer;
                    if (hasBody(request)) {
                        answer = out.send(request);
                    } else {
                        answer = out.send();
                        request.resume();
                    }
                    return withHeadDeadline(out, answer);
                })
                .map(in -> relayResponse(request, in, tunnel, peer));
    }

    /**
     * Forwards a paused upgrade request (WebSocket) to {@code peer}: when it answers 101, the
     * visitor gets the same 101 head and the two connections are joined byte for byte, each closed
     * when the other closes; any other answer is relayed like a response. Completes with the
     * status the visitor got, or fails when the peer could not be reached before it answered.
     */
    public Future<Integer> upgrade(HttpServerRequest request, String tunnel, PeerRoute.Peer peer) {
        return client.request(options(request, peer))
                .compose(out -> {
                    prepare(request, out, true);
                    // After a 101 the request never ends; the connection closing is the end of the joined sockets, not
                    // an error.
                    out.exceptionHandler(error -> Log.debugf(
                            "tunnel '%s': upgraded connection to gateway %s ended: %s",
                            tunnel, peer.gatewayId(), error.getMessage()));
                    request.resume();
                    return withHeadDeadline(out, out.connect());
                })
                .map(in -> in.statusCode() == 101
                        ? switchProtocols(request, in, tunnel, peer)
                        : relayResponse(request, in, tunnel, peer));
    }

    private RequestOptions options(HttpServerRequest request, PeerRoute.Peer peer) {
        HostAndPort authority = request.authority();
        return new RequestOptions()
                .setServer(peer.address())
                .setMethod(request.method())
                .setURI(request.uri())
                .setHost(authority == null ? peer.address().host() : authority.host())
                .setPort(
                        authority == null || authority.port() < 0
                                ? peer.address().port()
                                : authority.port());
    }

    private void prepare(HttpServerRequest request, HttpClientRequest out, boolean upgrade) {
        copyRequestHeaders(request, out.headers(), upgrade);
        out.putHeader(ClusterMembership.TOKEN_HEADER, cluster.token());
        out.putHeader(ClusterMembership.HOP_HEADER, cluster.instanceId());
        request.response().closeHandler(ignored -> out.reset());
        metrics.clusterForward("sent");
    }

    private Future<HttpClientResponse> withHeadDeadline(HttpClientRequest out, Future<HttpClientResponse> answer) {
        long deadline = vertx.setTimer(
                headTimeoutMillis,
                id -> out.reset(0, new TimeoutException("no response head within " + headTimeoutMillis / 1000 + " s")));
        return answer.onComplete(ignored -> vertx.cancelTimer(deadline));
    }

    private int switchProtocols(HttpServerRequest request, HttpClientResponse in, String tunnel, PeerRoute.Peer peer) {
        NetSocket far = in.netSocket();
        HttpServerResponse response = request.response();
        if (response.closed()) {
            far.close();
            return 101;
        }
        response.setStatusCode(101);
        copyResponseHeaders(in, response, true);
        ConnectionTakeover.toNetSocket(request)
                .onSuccess(near -> {
                    // Each pipe ends (closes) its destination when its source ends or fails, so closing either side
                    // closes both.
                    near.pipeTo(far);
                    far.pipeTo(near);
                    near.closeHandler(ignored -> far.close());
                    far.closeHandler(ignored -> near.close());
                })
                .onFailure(error -> {
                    Log.debugf(
                            "tunnel '%s': the visitor's upgrade forwarded to gateway %s failed: %s",
                            tunnel, peer.gatewayId(), error.getMessage());
                    far.close();
                });
        return 101;
    }

    private int relayResponse(HttpServerRequest request, HttpClientResponse in, String tunnel, PeerRoute.Peer peer) {
        HttpServerResponse response = request.response();
        if (response.closed()) {
            in.request().reset();
            return in.statusCode();
        }
        response.setStatusCode(in.statusCode());
        if (in.statusMessage() != null) {
            response.setStatusMessage(in.statusMessage());
        }
        copyResponseHeaders(in, response, false);
        int status = in.statusCode();
        boolean bodyless = request.method() == HttpMethod.HEAD || status == 204 || status == 304 || status < 200;
        if (!bodyless
                && !response.headers().contains(HttpHeaders.CONTENT_LENGTH)
                && request.version() != HttpVersion.HTTP_1_0) {
            response.setChunked(true);
        }
        // Not ended on failure: a terminating chunk would make a cut body look complete; the connection is closed
        // instead.
        in.pipe().endOnFailure(false).to(new WithPeerTrailers(response, in)).onFailure(error -> {
            Log.debugf(
                    "tunnel '%s': response forwarded from gateway %s cut: %s",
                    tunnel, peer.gatewayId(), error.getMessage());
            in.request().reset();
            request.connection().close();
        });
        return status;
    }

    /**
     * Puts the trailer fields of the peer's response (its agent's, sent in the last chunk) on the
     * visitor's response as it ends: h2 sends them as a HEADERS frame, HTTP/1.1 in the last chunk of
     * a chunked body. They are checked as an agent's are ({@link HttpFieldRules#trailerProblem}): a
     * section that breaks the rules fails the end, so the visitor's response is cut rather than
     * completed with fields a trailer must not carry.
     */
    private static final class WithPeerTrailers extends ForwardingWriteStream {
        private final HttpServerResponse response;
        private final HttpClientResponse in;

        WithPeerTrailers(HttpServerResponse response, HttpClientResponse in) {
            super(response);
            this.response = response;
            this.in = in;
        }

        @Override
        public Future<Void> end() {
            List<Header> fields = in.trailers().entries().stream()
                    .map(field -> new Header(field.getKey(), field.getValue()))
                    .toList();
            String problem = HttpFieldRules.trailerProblem(fields);
            if (problem != null) {
                return Future.failedFuture(new IllegalStateException("its trailer section is refused: " + problem));
            }
            fields.forEach(field -> response.trailers().add(field.name(), field.value()));
            return delegate.end();
        }
    }

    /** The peer's response headers minus hop-by-hop ones; a 101 keeps Upgrade and Connection, which make it one. */
    private static void copyResponseHeaders(HttpClientResponse in, HttpServerResponse response, boolean switching) {
        HopByHop hop = HopByHop.forConnectionHeaders(in.headers().getAll(HttpHeaders.CONNECTION));
        for (Map.Entry<String, String> header : in.headers()) {
            String lower = header.getKey().toLowerCase(Locale.ROOT);
            boolean keep = switching && (lower.equals("upgrade") || lower.equals("connection"));
            if (keep || (!hop.isHopByHop(header.getKey()) && !lower.equals("transfer-encoding"))) {
                response.headers().add(header.getKey(), header.getValue());
            }
        }
    }

    /**
     * The headers an agent would get from this instance (hop-by-hop ones, visitors' X-Forwarded-* and the
     * gateways' own credential headers dropped; X-Forwarded-For/-Proto/-Host set as seen here): the holding
     * instance keeps them as they are, because the credential says this instance set them. Host and
     * the framing are the HTTP client's.
     */
    private void copyRequestHeaders(HttpServerRequest request, MultiMap out, boolean upgrade) {
        for (Header header : forwarded.head(request, request.uri(), "", upgrade).headers()) {
            String lower = header.name().toLowerCase(Locale.ROOT);
            if (!lower.equals("host") && !lower.equals("transfer-encoding")) {
                out.add(header.name(), header.value());
            }
        }
    }

    private static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        return request.headers().contains(HttpHeaders.TRANSFER_ENCODING)
                || (length != null && !length.trim().equals("0"));
    }
}
