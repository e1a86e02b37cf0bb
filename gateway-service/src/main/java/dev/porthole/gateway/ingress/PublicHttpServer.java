package dev.porthole.gateway.ingress;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.GatewayInstance;
import dev.porthole.gateway.config.Http2Config;
import dev.porthole.gateway.config.HttpConfig;
import dev.porthole.gateway.config.StartupConfigCheck;
import dev.porthole.gateway.control.AgentEndpoint;
import dev.porthole.gateway.control.PublicAddresses;
import dev.porthole.gateway.events.EventPublisher;
import dev.porthole.gateway.tls.CertificateProblems;
import dev.porthole.gateway.tls.HttpsRedirect;
import dev.porthole.gateway.tls.TlsTermination;
import dev.porthole.protocol.event.PortholeEvent;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.impl.ContextInternal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The public listener (port 8080 by default): visitors' HTTP and the agents' WebSocket endpoint on
 * one port. One server instance per event loop, sharing the port, so that connections spread
 * across cores.
 */
@ApplicationScoped
public class PublicHttpServer {

    private final Vertx vertx;
    private final GatewayConfig config;
    private final HttpIngress ingress;
    private final AgentEndpoint agents;
    private final EventPublisher events;
    private final GatewayInstance instance;
    private final PublicAddresses addresses;
    private final TlsTermination tls;
    private final HttpsRedirect redirect;
    private final AtomicInteger visitorConnections = new AtomicInteger();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile String deploymentId;
    private final AtomicBoolean closed = new AtomicBoolean();

    public PublicHttpServer(
            Vertx vertx,
            GatewayConfig config,
            HttpIngress ingress,
            AgentEndpoint agents,
            EventPublisher events,
            GatewayInstance instance,
            PublicAddresses addresses,
            TlsTermination tls,
            HttpsRedirect redirect) {
        this.vertx = vertx;
        this.config = config;
        this.ingress = ingress;
        this.agents = agents;
        this.events = events;
        this.instance = instance;
        this.addresses = addresses;
        this.tls = tls;
        this.redirect = redirect;
    }

    void start(@Observes StartupEvent startup) throws Exception {
        HttpServerOptions options = options();
        try {
            tls.configure(options);
        } catch (CertificateProblems bad) {
            throw StartupConfigCheck.logged(bad.problems().stream()
                    .map(problem -> "porthole.gateway.tls.cert-files: " + problem)
                    .toList());
        }
        int instances = config.http().eventLoops().orElse(Runtime.getRuntime().availableProcessors());
        Duration headTimeout = config.http().requestHeadTimeout();
        Duration idleTimeout = config.http().idleTimeout();
        String hsts = tls.hstsHeader();
        deploymentId = vertx.deployVerticle(
                        () -> {
                            Listener listener =
                                    new Listener(options, ingress, headTimeout, idleTimeout, visitorConnections, hsts);
                            listeners.add(listener);
                            return listener;
                        },
                        new DeploymentOptions().setInstances(instances))
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        tls.watch();
        redirect.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        Log.infof(
                "Porthole gateway %s listening on %s:%d (%s); tunnels at %s; agents connect to %s://<this host>:%d%s",
                instance.id(),
                config.http().host(),
                config.http().port(),
                tls.enabled() ? "TLS" : "plain HTTP",
                addresses.http("<name>"),
                tls.enabled() ? "wss" : "ws",
                config.http().port(),
                config.http().agentPath());
        events.publish(new PortholeEvent.GatewayStarted(instance.id(), version(), addresses.http("*")));
    }

    /** Whether the public port is listening (for readiness). */
    public boolean listening() {
        return deploymentId != null;
    }

    /** Visitor connections open now (upgraded ones and agents' not counted); readable from any thread. */
    public int visitorConnections() {
        return visitorConnections.get();
    }

    /** The gateway drains: each listener closes its idle connections after {@code grace} (see {@link RequestHeadDeadline#drain}). */
    public void closeIdleConnections(Duration grace) {
        listeners.forEach(listener -> listener.drain(grace.toMillis()));
    }

    /** Closes the listeners and with them every connection still open (the end of a shutdown); once, later calls do nothing. */
    public Future<Void> close() {
        String deployed = deploymentId;
        if (deployed == null || !closed.compareAndSet(false, true)) {
            return Future.succeededFuture();
        }
        return vertx.undeploy(deployed).eventually(redirect::close);
    }

    private HttpServerOptions options() {
        HttpConfig http = config.http();
        Http2Config http2 = http.http2();
        return new HttpServerOptions()
                .setHost(http.host())
                .setPort(http.port())
                .setReuseAddress(true)
                .setTcpNoDelay(true)
                // h2c with prior knowledge: a new connection reaches the connection handler (and
                // RequestHeadDeadline's clock) once its first bytes decided the protocol, one byte for
                // HTTP/1.1; until then only the idle timeout bounds a connection that sends nothing.
                .setHttp2ClearTextEnabled(http2.enabled())
                .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(http2.maxConcurrentStreams()))
                .setHttp2RstFloodMaxRstFramePerWindow(http2.maxResetsPerWindow())
                .setHttp2RstFloodWindowDuration((int) http2.resetWindow().toSeconds())
                .setHttp2RstFloodWindowDurationTimeUnit(TimeUnit.SECONDS)
                .setCompressionSupported(false)
                .setDecompressionSupported(false)
                .setHandle100ContinueAutomatically(true)
                .setMaxHeaderSize((int) http.maxHeaderSize().asLongValue())
                .setMaxInitialLineLength((int) http.maxInitialLineLength().asLongValue())
                // Until a connection's first bytes chose HTTP/1.1 or h2c it is not an HttpConnection yet and
                // RequestHeadDeadline cannot watch it: an idle timeout as short as the head timeout closes a
                // silent one; RequestHeadDeadline.opened puts the configured idle timeout back.
                .setIdleTimeout((int) Math.min(
                        http.idleTimeout().toMillis(), http.requestHeadTimeout().toMillis()))
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setMaxWebSocketFrameSize(agents.maxFrameSize())
                .setMaxWebSocketMessageSize(agents.maxFrameSize())
                // Agents stop masking once WELCOME carries the "unmasked" capability (AgentSession);
                // masked frames (older agents) are still taken.
                .setAcceptUnmaskedFrames(true)
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false);
    }

    private static String version() {
        String version = PublicHttpServer.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /** One listener per event loop. */
    private static final class Listener extends AbstractVerticle {
        private static final String STRICT_TRANSPORT_SECURITY = "Strict-Transport-Security";
        private static final List<String> CONNECTION_SPECIFIC =
                List.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade");
        private final HttpServerOptions options;
        private final HttpIngress ingress;
        private final Duration requestHeadTimeout;
        private final Duration idleTimeout;
        private final AtomicInteger visitorConnections;
        private final String hsts;
        private volatile RequestHeadDeadline deadline;

        Listener(
                HttpServerOptions options,
                HttpIngress ingress,
                Duration requestHeadTimeout,
                Duration idleTimeout,
                AtomicInteger visitorConnections,
                String hsts) {
            this.options = options;
            this.ingress = ingress;
            this.requestHeadTimeout = requestHeadTimeout;
            this.idleTimeout = idleTimeout;
            this.visitorConnections = visitorConnections;
            this.hsts = hsts;
        }

        void drain(long graceMillis) {
            RequestHeadDeadline started = deadline;
            if (started != null) {
                context.runOnContext(ignored -> started.drain(graceMillis));
            }
        }

        @Override
        public void stop() {
            RequestHeadDeadline started = deadline;
            if (started != null) {
                started.close();
            }
        }

        @Override
        public void start(Promise<Void> started) {
            RequestHeadDeadline heads = new RequestHeadDeadline(
                    ((ContextInternal) context).nettyEventLoop(), requestHeadTimeout, idleTimeout, visitorConnections);
            deadline = heads;
            heads.serve();
            vertx.createHttpServer(options)
                    .connectionHandler(heads::opened)
                    .requestHandler(request -> {
                        heads.requestArrived(request);
                        HttpServerResponse response = request.response();
                        boolean h2 = request.version() == HttpVersion.HTTP_2;
                        if (hsts != null || h2) {
                            // Set as the head leaves, so the gateway's policy replaces any the upstream sent.
                            response.headersEndHandler(ignored -> {
                                if (hsts != null) {
                                    response.headers().set(STRICT_TRANSPORT_SECURITY, hsts);
                                }
                                if (h2) {
                                    // RFC 9113 8.2.2: connection-specific fields make an HTTP/2 response malformed.
                                    CONNECTION_SPECIFIC.forEach(response.headers()::remove);
                                }
                            });
                        }
                        ingress.handle(request);
                    })
                    .listen()
                    .<Void>mapEmpty()
                    .onComplete(started);
        }
    }
}
