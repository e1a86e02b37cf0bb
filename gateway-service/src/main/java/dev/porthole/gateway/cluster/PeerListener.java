package dev.porthole.gateway.cluster;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.InternalAddress;
import dev.porthole.gateway.control.PublicAddresses;
import dev.porthole.gateway.ingress.ErrorPages;
import dev.porthole.gateway.ingress.HttpIngress;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.TimeUnit;

/**
 * Where the other gateways of a cluster reach this one when its public port speaks TLS: a plain-HTTP
 * listener on the port of {@code cluster.internal-address}, for forwarded requests and carried
 * streams only. A request without the cluster's credential is refused with 403 (no tunnel, no agent
 * endpoint is served here), so visitors cannot bypass TLS through it; keep it reachable from the
 * other gateways only. Without TLS the public port serves peers as well, and this listener does not
 * exist.
 */
@ApplicationScoped
public class PeerListener {

    private final Vertx vertx;
    private final GatewayConfig config;
    private final HttpIngress ingress;
    private final ClusterMembership cluster;
    private volatile HttpServer server;

    public PeerListener(Vertx vertx, GatewayConfig config, HttpIngress ingress, ClusterMembership cluster) {
        this.vertx = vertx;
        this.config = config;
        this.ingress = ingress;
        this.cluster = cluster;
    }

    void start(@Observes StartupEvent startup) throws Exception {
        if (!PublicAddresses.tlsTerminated(config) || config.cluster().internalAddress().isEmpty()) {
            return;
        }
        int port = InternalAddress.parse(InternalAddress.published(config.cluster().internalAddress().get(), config.http().port())).port();
        GatewayConfig.Http http = config.http();
        HttpServerOptions options = new HttpServerOptions().setHost(http.host()).setPort(port).setReuseAddress(true).setTcpNoDelay(true)
                .setHttp2ClearTextEnabled(false).setCompressionSupported(false).setDecompressionSupported(false)
                .setHandle100ContinueAutomatically(true)
                .setMaxHeaderSize((int) http.maxHeaderSize().asLongValue())
                .setMaxInitialLineLength((int) http.maxInitialLineLength().asLongValue())
                .setIdleTimeout((int) http.idleTimeout().toSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS);
        server = vertx.createHttpServer(options).requestHandler(this::handle).listen().toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        Log.infof("listening for the other gateways of the cluster on %s:%d (plain HTTP; the public port speaks TLS)", http.host(), port);
    }

    private void handle(HttpServerRequest request) {
        if (!cluster.trusted(request.getHeader(ClusterMembership.TOKEN_HEADER))) {
            ErrorPages.send(request, 403, "forward-refused", "Forbidden", "This port takes requests from the other gateways of the cluster only.");
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
