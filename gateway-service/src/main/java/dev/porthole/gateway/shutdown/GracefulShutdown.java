package dev.porthole.gateway.shutdown;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.GatewayInstance;
import dev.porthole.gateway.control.LocalSessions;
import dev.porthole.gateway.events.EventPublisher;
import dev.porthole.gateway.ingress.PublicHttpServer;
import dev.porthole.gateway.tcp.PortListeners;
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
 * Stops the gateway without breaking what is in flight: refuses new requests and connections,
 * sends every agent a GOAWAY so that it connects again elsewhere, lets open streams finish until
 * {@code porthole.gateway.shutdown.drain-timeout}, then closes what remains.
 */
@ApplicationScoped
public class GracefulShutdown {

    /** How long shutdown waits for the draining event to reach Redis. */
    private static final long DRAINING_EVENT_WAIT_SECONDS = 2;
    /** How long shutdown waits for closed sessions to clean up after themselves. */
    private static final Duration SESSIONS_CLOSE_WAIT = Duration.ofSeconds(2);
    /** How often the drain looks whether the last stream has ended. */
    private static final long POLL_MILLIS = 50;

    private final Draining draining;
    private final LocalSessions sessions;
    private final PortListeners ports;
    private final PublicHttpServer server;
    private final EventPublisher events;
    private final GatewayInstance instance;
    private final Vertx vertx;
    private final Duration drainTimeout;

    public GracefulShutdown(Draining draining, LocalSessions sessions, PortListeners ports, PublicHttpServer server, EventPublisher events,
            GatewayInstance instance, Vertx vertx, GatewayConfig config) {
        this.draining = draining;
        this.sessions = sessions;
        this.ports = ports;
        this.server = server;
        this.events = events;
        this.instance = instance;
        this.vertx = vertx;
        this.drainTimeout = config.shutdown().drainTimeout();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        draining.begin();
        ports.stopAccepting();
        int open = sessions.openStreams();
        Log.infof("shutting down: refusing new requests, sending %d agent(s) elsewhere, waiting up to %d ms for %d open stream(s)",
                sessions.count(), drainTimeout.toMillis(), open);
        try {
            events.publish(new PortholeEvent.GatewayDraining(instance.id(), "shutdown", sessions.count()))
                    .toCompletionStage().toCompletableFuture().get(DRAINING_EVENT_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            Log.warnf("could not record that the gateway is draining: %s", e.toString());
        }
        sessions.goAway("the gateway is shutting down; reconnect elsewhere");
        if (awaitUntil(() -> sessions.openStreams() == 0, drainTimeout)) {
            Log.info("drained: every open request and connection finished");
        } else {
            Log.warnf("drain timeout of %d ms passed with %d stream(s) still open; cutting them", drainTimeout.toMillis(), sessions.openStreams());
        }
        sessions.closeAll(CloseCode.GOING_AWAY, "the gateway is shutting down; reconnecting");
        // Let the sessions release their tunnels in Redis and publish their events while the beans they need still exist.
        if (!awaitUntil(() -> sessions.count() == 0, SESSIONS_CLOSE_WAIT)) {
            Log.warnf("%d session(s) did not finish closing within %d ms; their tunnels expire from the registry by themselves",
                    sessions.count(), SESSIONS_CLOSE_WAIT.toMillis());
        }
        ports.closeAll();
        server.close();
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
