package dev.porthole.gateway.ingress;

import io.quarkus.logging.Log;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Closes a visitor connection that has not sent a complete request head within the head timeout,
 * counted from when it opens and from the end of each response on a kept-alive connection.
 *
 * <p>The idle timeout alone does not stop a slow-loris client: one byte a second keeps it from
 * firing for ever while the connection holds a socket and a decoder. This deadline does not move
 * with the bytes. One instance per listener: its table is touched only on that listener's event
 * loop, and holds one entry per open connection.
 */
final class RequestHeadDeadline {

    private final Vertx vertx;
    private final long timeoutMillis;
    private final Map<HttpConnection, Watch> watches = new HashMap<>();

    RequestHeadDeadline(Vertx vertx, Duration timeout) {
        this.vertx = vertx;
        this.timeoutMillis = timeout.toMillis();
    }

    /** Starts the clock on a new connection (the server's connection handler). */
    void opened(HttpConnection connection) {
        Watch watch = new Watch(connection);
        watches.put(connection, watch);
        connection.closeHandler(ignored -> watches.remove(connection).disarm());
        watch.arm();
    }

    /** A request head arrived: stops the clock until its response has gone out. */
    void requestArrived(HttpServerRequest request) {
        Watch watch = watches.get(request.connection());
        if (watch == null) {
            return;
        }
        watch.inFlight++;
        watch.disarm();
        request.response().endHandler(ignored -> {
            if (--watch.inFlight == 0) {
                watch.arm();
            }
        });
    }

    /** The clock of one connection; {@code inFlight} counts requests whose response has not ended. */
    private final class Watch {
        private final HttpConnection connection;
        private long timer = -1;
        private int inFlight;

        Watch(HttpConnection connection) {
            this.connection = connection;
        }

        void arm() {
            disarm();
            timer = vertx.setTimer(timeoutMillis, ignored -> {
                timer = -1;
                Log.debugf("closing visitor connection from %s: no complete request head within %d ms", connection.remoteAddress(),
                        timeoutMillis);
                connection.close();
            });
        }

        void disarm() {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }
    }
}
