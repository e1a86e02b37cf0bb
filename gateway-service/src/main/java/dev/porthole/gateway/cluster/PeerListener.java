package dev.porthole.gateway.cluster;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.HttpConfig;
import dev.porthole.gateway.config.InternalAddress;
import dev.porthole.gateway.control.PublicAddresses;
import dev.porthole.gateway.ingress.ErrorPages;
import dev.porthole.gateway.ingress.HttpIngress;
import dev.porthole.gateway.logging.SourceLogBudgets;
import dev.porthole.gateway.metrics.GatewayMetrics;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Where the other gateways of a cluster reach this one when its public port speaks TLS or the hop
 * between gateways is mutual TLS ({@code cluster.mtls}): a listener on the port of
 * {@code cluster.internal-address}, for forwarded requests and carried streams only. A request
 * without the cluster's credential is refused with 403 (no tunnel, no agent endpoint is served
 * here), so visitors cannot bypass TLS through it; keep it reachable from the other gateways only.
 * With mTLS it speaks TLS and completes no handshake without a client certificate from the
 * cluster's CA; each refused handshake is counted ({@code porthole_gateway_cluster_forwards_total{outcome="refused-handshake"}})
 * and logged on one line, within a per-address log budget. Without either, the public port serves
 * peers as well, and this listener does not exist.
 */
@ApplicationScoped
public class PeerListener {

    private final Vertx vertx;
    private final GatewayConfig config;
    private final HttpIngress ingress;
    private final ClusterMembership cluster;
    private final GatewayMetrics metrics;
    private final SourceLogBudgets logBudgets;
    private volatile HttpServer server;

    public PeerListener(
            Vertx vertx,
            GatewayConfig config,
            HttpIngress ingress,
            ClusterMembership cluster,
            GatewayMetrics metrics,
            SourceLogBudgets logBudgets) {
        this.vertx = vertx;
        this.config = config;
        this.ingress = ingress;
        this.cluster = cluster;
        this.metrics = metrics;
        this.logBudgets = logBudgets;
    }

    /** Whether peers reach this gateway at a listener of its own rather than at the public port. */
    public static boolean separate(GatewayConfig config) {
        return config.cluster().internalAddress().isPresent()
                && (PublicAddresses.tlsTerminated(config) || PeerMutualTls.on(config));
    }

    void start(@Observes StartupEvent startup) throws Exception {
        if (!separate(config)) {
            return;
        }
        int port = InternalAddress.parse(InternalAddress.published(
                        config.cluster().internalAddress().get(), config.http().port()))
                .port();
        HttpConfig http = config.http();
        HttpServerOptions options = new HttpServerOptions()
                .setHost(http.host())
                .setPort(port)
                .setReuseAddress(true)
                .setTcpNoDelay(true)
                .setHttp2ClearTextEnabled(false)
                .setCompressionSupported(false)
                .setDecompressionSupported(false)
                .setHandle100ContinueAutomatically(true)
                .setMaxHeaderSize((int) http.maxHeaderSize().asLongValue())
                .setMaxInitialLineLength((int) http.maxInitialLineLength().asLongValue())
                .setIdleTimeout((int) http.idleTimeout().toSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS);
        Optional<PeerMutualTls> mtls = PeerMutualTls.of(config);
        mtls.ifPresent(tls -> tls.server(options));
        server = vertx.createHttpServer(options)
                .requestHandler(this::handle)
                .exceptionHandler(this::connectionFailed)
                .listen()
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        Log.infof(
                "listening for the other gateways of the cluster on %s:%d (%s)",
                http.host(),
                port,
                mtls.isPresent()
                        ? "mutual TLS: a client certificate from "
                                + config.cluster().mtls().caFile().orElseThrow() + " is required"
                        : "plain HTTP; the public port speaks TLS");
    }

    /** A connection that failed before a request: with mTLS most often a peer without a certificate from the cluster's CA. */
    private void connectionFailed(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && !(cause instanceof SSLException)) {
            cause = cause.getCause();
        }
        if (cause instanceof SSLException) {
            metrics.clusterForward("refused-handshake");
            // The server-wide handler does not name the connection; the budget is per listener.
            if (logBudgets.of("refused peer handshakes", "the peer port").allow()) {
                Log.warnf("refused a TLS handshake on the cluster's peer port: %s", cause.getMessage());
            }
        } else {
            Log.debugf("connection on the cluster's peer port failed: %s", failure.toString());
        }
    }

    private void handle(HttpServerRequest request) {
        if (!cluster.trusted(request.getHeader(ClusterMembership.TOKEN_HEADER))) {
            ErrorPages.send(
                    request,
                    403,
                    "forward-refused",
                    "Forbidden",
                    "This port takes requests from the other gateways of the cluster only.");
            return;
        }
        ingress.handle(request);
    }

    /** Closes the listener (the end of a shutdown). */
    public void close() {
        HttpServer current = server;
        if (current != null) {
            current.close();
        }
    }
}
