package dev.porthole.agent.api;

import dev.porthole.agent.dial.TunnelSocket;
import dev.porthole.agent.tunnel.AgentExit;
import dev.porthole.agent.tunnel.AgentSettings;
import dev.porthole.agent.tunnel.Backoff;
import dev.porthole.agent.tunnel.LoggingTunnelListener;
import dev.porthole.agent.tunnel.StreamAcceptor;
import dev.porthole.agent.tunnel.TunnelClient;
import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * A tunnel published by this program ({@link Porthole#listen}): the CLI agent's engine (reconnect
 * with back-off, heartbeats, GOAWAY, {@code --ha}) serving the tunnel's streams to the program
 * instead of a local service. An HTTP tunnel's requests go to {@link #handle}; a TCP tunnel's
 * connections come from {@link #accept()}. {@link #close()} ends the tunnel.
 */
public final class PortholeListener implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PortholeListener.class);
    /** The tunnel's upstream as the gateway shows it for a TCP tunnel: the streams go to this program. */
    private static final UpstreamAddress IN_PROCESS = new UpstreamAddress("in-process", 0);
    /** How long close waits for the gateway to close the connection after GOAWAY and the close frame. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final Vertx vertx;
    private final TunnelKind kind;
    private final AcceptQueue streams;
    private final LocalHttpServer http;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile TunnelClient client;
    private volatile String publicUrl = "";
    /** The gateway's reason the last time it refused the tunnel for now (503), or null. */
    private volatile String refusedForNow;

    private PortholeListener(Vertx vertx, TunnelKind kind, AcceptQueue streams, LocalHttpServer http) {
        this.vertx = vertx;
        this.kind = kind;
        this.streams = streams;
        this.http = http;
    }

    static PortholeListener open(Porthole.Builder options, TunnelKind kind, String name, int port)
            throws PortholeException {
        if (options.server == null) {
            throw new IllegalArgumentException("give the gateway's URL with server(\"https://gateway.example.com\")");
        }
        options.trust().warnings(options.server).forEach(LOG::warn);
        Vertx vertx = Vertx.vertx();
        PortholeListener listener;
        TunnelSpec spec;
        StreamAcceptor acceptor;
        try {
            if (kind == TunnelKind.HTTP) {
                LocalHttpServer local = LocalHttpServer.start(vertx, options.responseTimeout)
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
                listener = new PortholeListener(vertx, kind, null, local);
                spec = TunnelSpec.http(local.address().toString(), name);
                acceptor = local;
            } else {
                AcceptQueue queue = new AcceptQueue(options.backlog);
                listener = new PortholeListener(vertx, kind, queue, null);
                spec = new TunnelSpec(TunnelKind.TCP, "", port, false, IN_PROCESS);
                acceptor = queue;
            }
        } catch (IllegalArgumentException e) {
            vertx.close();
            throw e;
        } catch (ExecutionException | TimeoutException e) {
            vertx.close();
            throw new PortholeException(AgentExit.CONFIG_ERROR, "cannot start the loopback HTTP server: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            vertx.close();
            throw new PortholeException(AgentExit.NORMAL, "interrupted while starting");
        }
        listener.connect(options, spec, acceptor);
        return listener;
    }

    /** Starts the tunnel client and waits for the gateway's answer to the first handshake. */
    private void connect(Porthole.Builder options, TunnelSpec spec, StreamAcceptor acceptor) throws PortholeException {
        AgentSettings settings = AgentSettings.of(options.server, "listener-" + UUID.randomUUID(), draft -> {
            draft.authorization = options.authorization;
            draft.tunnels = List.of(spec);
            draft.upstreamTimeout = options.responseTimeout;
            draft.maxUpstreamConnections = 0;
            draft.ha = options.ha;
            draft.trust = options.trust();
        });
        CompletableFuture<String> granted = new CompletableFuture<>();
        client = new TunnelClient(
                vertx, settings, acceptor, new Events(granted), Backoff.halfSecondTo30Seconds(), "java-listener");
        client.start().onSuccess(exit -> {
            granted.completeExceptionally(PortholeException.of(exit));
            if (streams != null) {
                streams.end(exit.code() == AgentExit.NORMAL ? "the listener is closed" : exit.message());
            }
            if (exit.code() != AgentExit.NORMAL) {
                LOG.errorf("tunnel ended: %s", exit.message());
            }
        });
        try {
            publicUrl = granted.get(options.connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            close();
            throw e.getCause() instanceof PortholeException refused
                    ? refused
                    : new PortholeException(AgentExit.UNREACHABLE, String.valueOf(e.getCause()));
        } catch (TimeoutException e) {
            close();
            throw new PortholeException(
                    AgentExit.UNREACHABLE,
                    "the gateway at " + options.server + " did not grant the tunnel within "
                            + options.connectTimeout.toMillis() + " ms"
                            + (refusedForNow == null ? "" : "; it last refused it for now: " + refusedForNow));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new PortholeException(AgentExit.NORMAL, "interrupted while connecting");
        }
    }

    /** The tunnel's public address: {@code https://api.example.com} for HTTP, {@code tcp://example.com:20000} for TCP. */
    public String publicUrl() {
        return publicUrl;
    }

    /**
     * Serves the HTTP tunnel's requests with {@code handler}, on this listener's Vert.x event loop
     * ({@link #vertx()}); replaces an earlier handler. Until the first call visitors get 503. The
     * visitor's address is in {@code X-Forwarded-For}: the request comes over loopback.
     *
     * @throws IllegalStateException on a TCP tunnel
     */
    public PortholeListener handle(Handler<HttpServerRequest> handler) {
        if (http == null) {
            throw new IllegalStateException(
                    "handle() serves HTTP tunnels; take a TCP tunnel's connections with accept()");
        }
        http.handler(handler);
        return this;
    }

    /**
     * The next connection to the TCP tunnel, waiting for one. Reads wait for bytes, writes wait for
     * the tunnel's flow control; a program that does not read stops the sender.
     *
     * @throws IOException once the listener is closed or the tunnel ended for good (the reason is the message)
     * @throws IllegalStateException on an HTTP tunnel
     */
    public TunnelSocket accept() throws IOException {
        return take(-1);
    }

    /** Like {@link #accept()}, waiting at most {@code timeout}; null when none came. */
    public TunnelSocket accept(Duration timeout) throws IOException {
        return take(timeout.toNanos());
    }

    private TunnelSocket take(long nanos) throws IOException {
        if (streams == null) {
            throw new IllegalStateException("accept() takes TCP connections; serve an HTTP tunnel with handle()");
        }
        try {
            return streams.take(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while accepting");
        }
    }

    /** The Vert.x instance the tunnel and the HTTP handler run on. */
    public Vertx vertx() {
        return vertx;
    }

    /** HTTP or TCP. */
    public TunnelKind kind() {
        return kind;
    }

    /**
     * Ends the tunnel like the CLI agent stopping: GOAWAY and a normal close, so the gateway
     * releases the name or port at once; connections not accepted yet are reset. Idempotent; waits
     * for the listener's threads to stop unless called on one of them (from a handler).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        TunnelClient running = client;
        Future<Void> disconnected = running != null ? running.stop() : Future.succeededFuture();
        if (streams != null) {
            streams.end("the listener is closed");
        }
        // GOAWAY and the close frame are queued on the connection's event loop: Vert.x closes its sockets once
        // the gateway has read them and closed the connection, or after CLOSE_WAIT from a gateway that does not.
        Promise<Void> disconnectedOrGaveUp = Promise.promise();
        long giveUp = vertx.setTimer(CLOSE_WAIT.toMillis(), id -> disconnectedOrGaveUp.tryComplete());
        disconnected.onComplete(ignored -> {
            vertx.cancelTimer(giveUp);
            disconnectedOrGaveUp.tryComplete();
        });
        Promise<Void> stopped = Promise.promise();
        disconnectedOrGaveUp.future().compose(ignored -> vertx.close()).onComplete(stopped);
        if (Context.isOnVertxThread()) {
            // Called from a handler: waiting here would hold up the event loop the close needs.
            return;
        }
        try {
            stopped.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debugf("closing the listener's Vert.x: %s", e);
        }
    }

    // for tests in this package
    LocalHttpServer localHttpServer() {
        return http;
    }

    AcceptQueue acceptQueue() {
        return streams;
    }

    /** Completes {@code granted} with the public URL, or a refusal, at the first WELCOME; logs the rest. */
    private final class Events extends LoggingTunnelListener {
        private final CompletableFuture<String> granted;

        Events(CompletableFuture<String> granted) {
            super(LOG);
            this.granted = granted;
        }

        @Override
        public void connected(List<TunnelResult> results, boolean first) {
            TunnelResult result = results.getFirst();
            if (result.granted()) {
                publicUrl = result.publicAddress();
                granted.complete(result.publicAddress());
                LOG.infof(first ? "tunnel ready: %s" : "tunnel back: %s", result.publicAddress());
            } else if (result.status() == TunnelResult.UNAVAILABLE) {
                // Refused for now only: the client asks again after its back-off, within the connect timeout.
                refusedForNow = result.message();
                LOG.warnf("tunnel refused for now (%s); asking again", result.message());
            } else {
                granted.completeExceptionally(new PortholeException(AgentExit.TUNNEL_REFUSED, result.message()));
            }
        }
    }
}
