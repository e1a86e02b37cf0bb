package dev.porthole.gateway.shutdown;

import dev.porthole.gateway.cluster.PeerListener;
import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.GatewayInstance;
import dev.porthole.gateway.control.LocalSessions;
import dev.porthole.gateway.events.EventPublisher;
import dev.porthole.gateway.ingress.PublicHttpServer;
import dev.porthole.gateway.tcp.PortListeners;
import dev.porthole.gateway.tls.passthrough.PassthroughListener;
import dev.porthole.gateway.udp.UdpPorts;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.event.PortholeEvent;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Stops the gateway without breaking what is in flight. On SIGTERM readiness goes down and agents'
 * connection attempts are refused at once, while visitors are served as usual for
 * {@code porthole.gateway.shutdown.pre-drain-delay} so that the load balancer stops sending new
 * connections. Then the drain: every agent gets a GOAWAY and connects again elsewhere, requests
 * still arriving are served (by the old session while it holds the tunnel, else forwarded to where
 * the agent went) with {@code Connection: close}, idle connections are closed, and the gateway waits
 * until nothing is open (in a cluster: also until every agent's tunnels moved) or until
 * {@code porthole.gateway.shutdown.drain-timeout}; then it closes what remains.
 */
@ApplicationScoped
public class GracefulShutdown {

    /** How long shutdown waits for the draining event to reach Redis. */
    private static final long DRAINING_EVENT_WAIT_SECONDS = 2;
    /** How long shutdown waits for the public listener to close once drained. */
    private static final long LISTENER_CLOSE_WAIT_SECONDS = 2;
    /** How long shutdown waits for closed sessions to clean up after themselves. */
    private static final Duration SESSIONS_CLOSE_WAIT = Duration.ofSeconds(2);
    /**
     * How often the drain looks whether the last stream has ended. Polled, once per shutdown: the
     * condition spans the sessions' streams, the visitor connections and the takeovers (themselves
     * asked of Redis every {@link #TAKEOVER_CHECK_MILLIS}), which would each need a listener.
     */
    private static final long POLL_MILLIS = 50;
    /** How often the drain asks the registry whether the agents' new sessions took their tunnels over. */
    private static final long TAKEOVER_CHECK_MILLIS = 250;
    /**
     * How long a visitor connection may stay idle during the drain: long enough for a client that
     * is about to send its next request to get it answered (with {@code Connection: close}).
     */
    static final Duration IDLE_GRACE = Duration.ofSeconds(1);

    private final Draining draining;
    private final LocalSessions sessions;
    private final PortListeners ports;
    private final UdpPorts udpPorts;
    private final PassthroughListener passthrough;
    private final PeerListener peerListener;
    private final PublicHttpServer server;
    private final EventPublisher events;
    private final GatewayInstance instance;
    private final Vertx vertx;
    private final Duration preDrainDelay;
    private final Duration drainTimeout;
    private final boolean clustered;

    public GracefulShutdown(
            Draining draining,
            LocalSessions sessions,
            PortListeners ports,
            PublicHttpServer server,
            EventPublisher events,
            GatewayInstance instance,
            Vertx vertx,
            GatewayConfig config,
            PassthroughListener passthrough,
            PeerListener peerListener,
            UdpPorts udpPorts) {
        this.peerListener = peerListener;
        this.udpPorts = udpPorts;
        this.passthrough = passthrough;
        this.draining = draining;
        this.sessions = sessions;
        this.ports = ports;
        this.server = server;
        this.events = events;
        this.instance = instance;
        this.vertx = vertx;
        this.preDrainDelay = config.shutdown().preDrainDelay();
        this.drainTimeout = config.shutdown().drainTimeout();
        this.clustered = config.cluster().internalAddress().isPresent();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        draining.announce();
        if (preDrainDelay.isPositive()) {
            Log.infof(
                    "stopping: readiness is down; serving as usual for %d ms so that load balancers stop sending new connections",
                    preDrainDelay.toMillis());
            pause(preDrainDelay);
        }
        draining.begin();
        ports.stopAccepting();
        udpPorts.stopAccepting();
        passthrough.stopAccepting();
        server.closeIdleConnections(IDLE_GRACE);
        Log.infof(
                "draining: sending %d agent(s) elsewhere, closing each visitor connection after its current request, "
                        + "waiting up to %d ms for %d open stream(s) and %d visitor connection(s)",
                sessions.count(), drainTimeout.toMillis(), sessions.openStreams(), server.visitorConnections());
        try {
            events.publish(new PortholeEvent.GatewayDraining(instance.id(), "shutdown", sessions.count()))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(DRAINING_EVENT_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            Log.warnf("could not record that the gateway is draining: %s", e.toString());
        }
        sessions.goAway("the gateway is shutting down; reconnect elsewhere");
        // In a cluster the agents' new sessions on other gateways take the tunnels over; until they have,
        // the old sessions here serve (and visitors elsewhere are forwarded here), so closing them would cut the
        // tunnel.
        long takeoverChecks =
                clustered ? vertx.setPeriodic(TAKEOVER_CHECK_MILLIS, id -> sessions.checkTakeovers()) : -1;
        boolean drained = awaitUntil(
                () -> sessions.openStreams() == 0
                        && server.visitorConnections() == 0
                        && (!clustered || sessions.servingTunnels() == 0),
                drainTimeout);
        if (takeoverChecks >= 0) {
            vertx.cancelTimer(takeoverChecks);
        }
        if (drained) {
            Log.info("drained: every open request and connection finished"
                    + (clustered ? " and every tunnel moved to another gateway" : ""));
            // Nothing is open, so the listener goes first: a request another gateway forwards here late (it looked the
            // tunnel up before the move) is then refused at connect, and that gateway asks the registry again, rather
            // than reaching this one after its sessions closed and being answered 502.
            try {
                server.close()
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(LISTENER_CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                Log.warnf(
                        "the public listener did not close within %d s: %s", LISTENER_CLOSE_WAIT_SECONDS, e.toString());
            }
        } else {
            Log.warnf(
                    "drain timeout of %d ms passed with %d stream(s), %d visitor connection(s) and %d tunnel(s) here still open; cutting them",
                    drainTimeout.toMillis(),
                    sessions.openStreams(),
                    server.visitorConnections(),
                    sessions.servingTunnels());
        }
        sessions.closeAll(CloseCode.GOING_AWAY, "the gateway is shutting down; reconnecting");
        // Let the sessions release their tunnels in Redis and publish their events while the beans they need still
        // exist.
        if (!awaitUntil(() -> sessions.count() == 0, SESSIONS_CLOSE_WAIT)) {
            Log.warnf(
                    "%d session(s) did not finish closing within %d ms; their tunnels expire from the registry by themselves",
                    sessions.count(), SESSIONS_CLOSE_WAIT.toMillis());
        }
        ports.closeAll();
        udpPorts.closeAll();
        passthrough.close();
        peerListener.close();
        server.close();
    }

    /** Waits on this (shutdown) thread for the whole delay: nothing ends it early. */
    private static void pause(Duration delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits on this (shutdown) thread until {@code done} holds or {@code timeout} passes; true when it holds. */
    private boolean awaitUntil(BooleanSupplier done, Duration timeout) {
        if (done.getAsBoolean()) {
            return true;
        }
        CompletableFuture<Void> reached = new CompletableFuture<>();
        long timer = vertx.setPeriodic(POLL_MILLIS, id -> {
            if (done.getAsBoolean()) {
                reached.complete(null);
            }
        });
        try {
            reached.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } finally {
            vertx.cancelTimer(timer);
        }
    }
}
