package dev.porthole.gateway.cluster;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.InternalAddress;
import dev.porthole.gateway.config.RedisKeys;
import dev.porthole.gateway.ingress.ForwardedRequest;
import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.gateway.registry.Route;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HopByHop;
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
import io.vertx.core.net.SocketAddress;
import io.vertx.redis.client.RedisAPI;
import jakarta.enterprise.context.ApplicationScoped;
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

    private final RedisAPI redis;
    private final RedisKeys keys;
    private final ClusterMembership cluster;
    private final GatewayMetrics metrics;
    private final HttpClient client;
    private final ForwardedRequest forwarded;
    private final Vertx vertx;
    private final long headTimeoutMillis;

    public PeerForwarding(RedisAPI redis, RedisKeys keys, ClusterMembership cluster, GatewayMetrics metrics, Vertx vertx, GatewayConfig config,
            ForwardedRequest forwarded) {
        this.redis = redis;
        this.keys = keys;
        this.cluster = cluster;
        this.metrics = metrics;
        this.forwarded = forwarded;
        this.vertx = vertx;
        // The holding instance answers 504 at its response timeout; only an instance that stopped answering at all gets here.
        this.headTimeoutMillis = config.http().responseTimeout().plusSeconds(5).toMillis();
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.cluster().connectTimeout().toMillis())
                .setTcpNoDelay(true)
                .setKeepAlive(true)
                // A peer that stops sending mid-body would otherwise hold the visitor as long as the visitor's side
                // stays busy (a slow upload): the visitors' idle timeout, counted on what the peer sends, cuts it
                // (the pipe fails and the visitor's connection closes).
                .setReadIdleTimeout((int) config.http().idleTimeout().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setDecompressionSupported(false)
                .setMaxInitialLineLength((int) config.http().maxInitialLineLength().asLongValue())
                .setMaxHeaderSize((int) config.http().maxHeaderSize().asLongValue()),
                new PoolOptions().setHttp1MaxSize(config.cluster().maxConnectionsPerPeer()));
    }

    /** Asks the registry which instance holds an HTTP tunnel and where that instance listens. */
    public Future<PeerRoute> locate(String tunnel) {
        return redis.get(keys.httpRoute(tunnel)).compose(stored -> {
            Route route = stored == null ? null : Route.fromJson(stored.toString());
            if (route == null) {
                return Future.succeededFuture(new PeerRoute.NotElsewhere());
            }
            if (route.gatewayId().equals(cluster.instanceId())) {
                return Future.succeededFuture(new PeerRoute.Here());
            }
            return redis.get(keys.gateway(route.gatewayId())).map(address -> {
                SocketAddress parsed = address == null ? null : InternalAddress.parse(address.toString());
                return parsed == null ? new PeerRoute.Gone(route.gatewayId()) : new PeerRoute.Peer(route.gatewayId(), parsed);
            });
        });
    }

    /**
     * Forwards a paused request to {@code peer} and relays the answer; completes with the status
     * the visitor got, or fails when the peer could not be reached before any response started
     * (the caller then writes an error page): with {@link PeerUnreachable} when no connection to it
     * could be had, so that nothing was sent and the request is still paused and whole.
     */
    public Future<Integer> forward(HttpServerRequest request, String tunnel, PeerRoute.Peer peer) {
        HostAndPort authority = request.authority();
        RequestOptions options = new RequestOptions()
                .setServer(peer.address())
                .setMethod(request.method())
                .setURI(request.uri())
                .setHost(authority == null ? peer.address().host() : authority.host())
                .setPort(authority == null || authority.port() < 0 ? peer.address().port() : authority.port());
        return client.request(options).recover(error -> Future.failedFuture(new PeerUnreachable(peer.gatewayId(), error))).compose(out -> {
            copyRequestHeaders(request, out.headers());
            out.putHeader(ClusterMembership.TOKEN_HEADER, cluster.token());
            out.putHeader(ClusterMembership.HOP_HEADER, cluster.instanceId());
            request.response().closeHandler(ignored -> out.reset());
            Future<HttpClientResponse> answer;
            if (hasBody(request)) {
                answer = out.send(request);
            } else {
                answer = out.send();
                request.resume();
            }
            metrics.clusterForward("sent");
            long deadline = vertx.setTimer(headTimeoutMillis, id -> out.reset(0, new TimeoutException(
                    "no response head within " + headTimeoutMillis / 1000 + " s")));
            return answer.onComplete(ignored -> vertx.cancelTimer(deadline));
        }).map(in -> relayResponse(request, in, tunnel, peer));
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
        HopByHop hop = HopByHop.forConnectionHeaders(in.headers().getAll(HttpHeaders.CONNECTION));
        for (Map.Entry<String, String> header : in.headers()) {
            String lower = header.getKey().toLowerCase(Locale.ROOT);
            if (!hop.isHopByHop(header.getKey()) && !lower.equals("transfer-encoding")) {
                response.headers().add(header.getKey(), header.getValue());
            }
        }
        int status = in.statusCode();
        boolean bodyless = request.method() == HttpMethod.HEAD || status == 204 || status == 304 || status < 200;
        if (!bodyless && !response.headers().contains(HttpHeaders.CONTENT_LENGTH) && request.version() != HttpVersion.HTTP_1_0) {
            response.setChunked(true);
        }
        // Not ended on failure: a terminating chunk would make a cut body look complete; the connection is closed instead.
        in.pipe().endOnFailure(false).to(response).onFailure(error -> {
            Log.debugf("tunnel '%s': response forwarded from gateway %s cut: %s", tunnel, peer.gatewayId(), error.getMessage());
            in.request().reset();
            request.connection().close();
        });
        return status;
    }

    /**
     * The headers an agent would get from this instance (hop-by-hop ones, visitors' X-Forwarded-* and the
     * gateways' own credential headers dropped; X-Forwarded-For/-Proto/-Host set as seen here): the holding
     * instance keeps them as they are, because the credential says this instance set them. Host and
     * the framing are the HTTP client's.
     */
    private void copyRequestHeaders(HttpServerRequest request, MultiMap out) {
        for (Header header : forwarded.head(request, request.uri(), "", false).headers()) {
            String lower = header.name().toLowerCase(Locale.ROOT);
            if (!lower.equals("host") && !lower.equals("transfer-encoding")) {
                out.add(header.name(), header.value());
            }
        }
    }

    /** No connection to the instance could be had (refused, timed out): the request was not sent. */
    public static final class PeerUnreachable extends Exception {
        private final String gatewayId;

        PeerUnreachable(String gatewayId, Throwable cause) {
            super(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(), cause, false, false);
            this.gatewayId = gatewayId;
        }

        public String gatewayId() {
            return gatewayId;
        }
    }

    private static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        return request.headers().contains(HttpHeaders.TRANSFER_ENCODING) || (length != null && !length.trim().equals("0"));
    }
}
