package dev.porthole.agent.tunnel;

import dev.porthole.protocol.message.Notice;
import dev.porthole.protocol.message.TunnelResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** What the tunnel client reports to the person running it. */
public interface TunnelListener {

    /** Hears everything and says nothing: for clients whose only voice is their log (tests, tools). */
    TunnelListener SILENT = new TunnelListener() {
        @Override
        public void connected(List<TunnelResult> results, boolean first) {}

        @Override
        public void notice(Notice notice) {}

        @Override
        public void retrying(String reason, Duration retryIn) {}
    };

    /** Completes {@code welcomed} at the first handshake and says nothing: for clients that only wait for the gateway. */
    static TunnelListener welcoming(CompletableFuture<Void> welcomed) {
        return new TunnelListener() {
            @Override
            public void connected(List<TunnelResult> results, boolean first) {
                welcomed.complete(null);
            }

            @Override
            public void notice(Notice notice) {}

            @Override
            public void retrying(String reason, Duration retryIn) {}
        };
    }

    /** The gateway answered the handshake; {@code first} is false after a reconnect. */
    void connected(List<TunnelResult> results, boolean first);

    /**
     * Whether a handshake answered with {@code results} puts the agent online: a tunnel granted, or
     * none asked (an agent that only dials). Otherwise the gateway closes the connection and the
     * agent stops or tries again (a refusal for now only): a failed attempt, not a connection.
     */
    static boolean online(List<TunnelResult> results) {
        return results.isEmpty() || results.stream().anyMatch(TunnelResult::granted);
    }

    /** The gateway sent something to read. */
    void notice(Notice notice);

    /** The connection dropped or could not be made; the next attempt follows after {@code retryIn}. */
    void retrying(String reason, Duration retryIn);

    /** This listener, then {@code other}, for every event. */
    default TunnelListener andThen(TunnelListener other) {
        TunnelListener self = this;
        return new TunnelListener() {
            @Override
            public void connected(List<TunnelResult> results, boolean first) {
                self.connected(results, first);
                other.connected(results, first);
            }

            @Override
            public void notice(Notice notice) {
                self.notice(notice);
                other.notice(notice);
            }

            @Override
            public void retrying(String reason, Duration retryIn) {
                self.retrying(reason, retryIn);
                other.retrying(reason, retryIn);
            }
        };
    }
}
