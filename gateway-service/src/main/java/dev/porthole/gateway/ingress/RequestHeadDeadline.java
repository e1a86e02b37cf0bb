package dev.porthole.gateway.ingress;

import io.netty.channel.ChannelFutureListener;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Closes a visitor connection that has not sent a complete request head within the head timeout,
 * counted from when it opens and from the end of each response on a kept-alive connection.
 *
 * <p>The idle timeout alone does not stop a slow-loris client: one byte a second keeps it from
 * firing for ever while the connection holds a socket and a decoder. This deadline does not move
 * with the bytes. One instance per listener: its table is touched only on that listener's event
 * loop, and holds one entry per open connection until it is taken over or closes.
 *
 * <p>A request that asks for an upgrade or CONNECT is one like any other until its connection is
 * taken over ({@link ConnectionTakeover}): answered without one (a refusal, a 404), the connection
 * stays under the deadline. Taken over, it leaves the table and the count.
 *
 * <p>It also counts the open visitor connections (taken-over ones, agents' included, are not: their
 * streams are counted by the sessions), which a draining gateway waits to see closed, and while
 * draining it gives an idle connection only a short grace before closing it. A busy HTTP/2
 * connection gets a GOAWAY (NO_ERROR) at once instead, HTTP/2's {@code Connection: close}: its
 * client opens new streams elsewhere while those in flight finish here.
 */
final class RequestHeadDeadline {

    /** The listener's event loop, which runs every connection's checks. */
    private final EventExecutor loop;
    /** The name Vert.x gives its idle handler in a connection's pipeline. */
    private static final String IDLE = "idle";
    /** A connection's deadline while a request is in flight: none. */
    private static final long NONE = Long.MAX_VALUE;
    /**
     * The deadlines of the running listeners, where a takeover finds its connection's: the one whose
     * event loop it runs on that holds the connection (one per listener instance, a handful).
     */
    private static final Set<RequestHeadDeadline> SERVING = ConcurrentHashMap.newKeySet();

    private final long timeoutMillis;
    private final long idleTimeoutMillis;
    private final AtomicInteger visitors;
    private final Map<HttpConnection, Watch> watches = new HashMap<>();
    private long drainGraceMillis = -1;

    RequestHeadDeadline(EventExecutor loop, Duration timeout, Duration idleTimeout, AtomicInteger visitors) {
        this.loop = loop;
        this.timeoutMillis = timeout.toMillis();
        this.idleTimeoutMillis = idleTimeout.toMillis();
        this.visitors = visitors;
    }

    /**
     * Starts the clock on a new connection (the server's connection handler), and gives it the
     * configured idle timeout: the listener's own, as short as the head timeout, is for connections
     * whose first bytes have not yet chosen between HTTP/1.1 and h2c, which do not reach this
     * handler (Vert.x offers no other hook before that choice, hence its Netty pipeline here).
     */
    void opened(HttpConnection connection) {
        if (connection instanceof ConnectionBase base
                && base.channel().pipeline().get(IDLE) != null) {
            base.channel()
                    .pipeline()
                    .replace(IDLE, IDLE, new IdleStateHandler(0, 0, idleTimeoutMillis, TimeUnit.MILLISECONDS));
        }
        Watch watch = new Watch(connection);
        watches.put(connection, watch);
        visitors.incrementAndGet();
        // The socket's own close, not the HTTP connection's close handler: once an upgrade or a CONNECT
        // turns the connection into a raw socket (toNetSocket), Vert.x no longer calls that handler, and
        // the entry would stay in the table for the gateway's lifetime.
        if (connection instanceof ConnectionBase base) {
            watch.onClose = ignored -> closed(connection);
            base.channel().closeFuture().addListener(watch.onClose);
        } else {
            connection.closeHandler(ignored -> closed(connection));
        }
        watch.arm();
    }

    private void closed(HttpConnection connection) {
        Watch watch = watches.remove(connection);
        if (watch != null) {
            watch.stop();
            visitors.decrementAndGet();
        }
    }

    /** A request head arrived: stops the clock until its response has gone out. */
    void requestArrived(HttpServerRequest request) {
        Watch watch = watches.get(request.connection());
        if (watch == null) {
            return;
        }
        watch.h2 = request.version() == HttpVersion.HTTP_2;
        watch.inFlight++;
        if (drainGraceMillis >= 0) {
            // This stream is served (GOAWAY names it as the last one); the client's next ones go elsewhere.
            watch.goAway();
        }
        watch.disarm();
        request.response().endHandler(ignored -> {
            if (--watch.inFlight == 0) {
                watch.arm();
            }
        });
    }

    /**
     * Vert.x has handed {@code request}'s connection over as a raw socket or WebSocket (an answered
     * upgrade or CONNECT): it carries streams now, counted by the sessions, and Vert.x no longer
     * calls the HTTP connection's close handler. An agent's WebSocket, for one, stays open for hours:
     * its pending check and its entry go now, not when the check would have lapsed or the socket
     * closes. On the connection's event loop; nothing for a connection of another listener.
     */
    static void takenOver(HttpServerRequest request) {
        if (request.version() == HttpVersion.HTTP_2) {
            return;
        }
        for (RequestHeadDeadline deadline : SERVING) {
            if (deadline.loop.inEventLoop()) {
                Watch watch = deadline.watches.remove(request.connection());
                if (watch != null) {
                    watch.takenOver = true;
                    watch.stop();
                    deadline.visitors.decrementAndGet();
                    // The listener holds the HTTP connection: a session that takes the channel from Vert.x lets it go.
                    if (watch.onClose != null && request.connection() instanceof ConnectionBase base) {
                        base.channel().closeFuture().removeListener(watch.onClose);
                    }
                    return;
                }
            }
        }
    }

    /** The listener is serving: {@link #takenOver} may find its connections. */
    void serve() {
        SERVING.add(this);
    }

    /** The listener stopped. */
    void close() {
        SERVING.remove(this);
    }

    /**
     * The gateway drains: from now on a connection with no request in flight is closed after
     * {@code graceMillis} (unless its head deadline comes sooner). The grace lets a client that is
     * about to send its next request do so and get an answer with {@code Connection: close},
     * rather than see its connection closed under it. On this listener's event loop.
     */
    void drain(long graceMillis) {
        drainGraceMillis = graceMillis;
        watches.values().stream().filter(watch -> watch.inFlight == 0).forEach(Watch::arm);
        watches.values().stream().filter(watch -> watch.inFlight > 0).forEach(Watch::goAway);
    }

    /** The clock of one connection; {@code inFlight} counts requests whose response has not ended. */
    private final class Watch implements Runnable {
        private final HttpConnection connection;
        /** When the connection is closed unless a request head arrives first ({@link #NONE} while one is in flight). */
        private long deadlineNanos = NONE;
        /** The timeout behind that deadline, for the log line. */
        private long limitMillis;
        /** The pending check, and the deadline it was scheduled for; null when none is pending. */
        private ScheduledFuture<?> check;

        private long checkAtNanos;
        private int inFlight;
        private boolean takenOver;
        /** Removes the watch when the socket closes; null on a connection that is not Vert.x's own. */
        private ChannelFutureListener onClose;

        private boolean h2;
        private boolean goneAway;

        Watch(HttpConnection connection) {
            this.connection = connection;
        }

        /** On an HTTP/2 connection, once: GOAWAY with NO_ERROR and the last stream it opened; HTTP/1.1 has Connection: close. */
        void goAway() {
            if (h2 && !goneAway) {
                goneAway = true;
                Log.debugf("draining: GOAWAY to HTTP/2 visitor %s", connection.remoteAddress());
                connection.goAway(0);
            }
        }

        /**
         * Starts the clock: the connection is closed unless a request head arrives within the timeout
         * (or the drain's grace, if shorter). Sets a deadline; the one pending check per connection is
         * scheduled only when none is, or when this deadline comes before it, so that a kept-alive
         * connection costs no timer per request.
         */
        void arm() {
            if (takenOver) {
                // The response of the request that took the connection over may end after the takeover.
                return;
            }
            long millis =
                    Math.max(1, drainGraceMillis >= 0 ? Math.min(drainGraceMillis, timeoutMillis) : timeoutMillis);
            limitMillis = millis;
            deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            if (check == null || deadlineNanos - checkAtNanos < 0) {
                cancelCheck();
                scheduleCheck();
            }
        }

        /** Stops the clock (a request head arrived); a pending check finds nothing due and lapses. */
        void disarm() {
            deadlineNanos = NONE;
        }

        /** The connection closed. */
        void stop() {
            deadlineNanos = NONE;
            cancelCheck();
        }

        @Override
        public void run() {
            check = null;
            if (deadlineNanos == NONE) {
                return;
            }
            if (System.nanoTime() - deadlineNanos < 0) {
                scheduleCheck();
                return;
            }
            deadlineNanos = NONE;
            Log.debugf(
                    "closing visitor connection from %s: no complete request head within %d ms",
                    connection.remoteAddress(), limitMillis);
            connection.close();
        }

        private void scheduleCheck() {
            checkAtNanos = deadlineNanos;
            check = loop.schedule(this, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        }

        private void cancelCheck() {
            if (check != null) {
                check.cancel(false);
                check = null;
            }
        }
    }
}
