package dev.porthole.e2e.support;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The flooding agent of {@code bench/flood.sh}: an anonymous {@link RawAgent} that never reads and
 * sends one {@link Flood} kind as fast as the gateway takes it, for a given time; when the gateway
 * closes it, it connects again at once and goes on (it reads only after its flood stalled, to see
 * the close: {@link #awaitClose}). Each connection is described on stderr; stdout
 * gets one line: {@code <connections> <closed by the gateway> <frames sent> <failed connects> <ms from
 * opening the first closed connection to seeing its close> <its close code> <its reason>} (the last
 * three {@code -} when none closed).
 *
 * <pre>java -cp e2e-tests/target/test-classes:&lt;the agent's classpath&gt; dev.porthole.e2e.support.FloodAgent 8080 PING 30</pre>
 */
public final class FloodAgent {

    /** How long the flood takes nothing before the agent reads to see whether it was closed. */
    private static final long STALLED = TimeUnit.SECONDS.toNanos(1);

    private FloodAgent() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: FloodAgent <gateway port> <flood kind> <seconds>");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Flood flood = Flood.named(args[1]);
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(Long.parseLong(args[2]));
        int connections = 0;
        int closedByGateway = 0;
        int failures = 0;
        long frames = 0;
        String firstClose = "- - -";
        while (System.nanoTime() < deadline) {
            RawAgent agent;
            try {
                agent = RawAgent.connect(port);
            } catch (RuntimeException | AssertionError e) {
                failures++;
                System.err.printf("connect failed after %d ms: %s%n", millisSince(started), e.getMessage());
                // A refused connection fails at once: a tenth of a second between tries, not a busy loop.
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                continue;
            }
            connections++;
            long opened = millisSince(started);
            System.err.printf("connection %d open at %d ms%n", connections, opened);
            try (agent) {
                agent.stopReading();
                AtomicLong sent = flood.start().apply(agent, Duration.ofNanos(deadline - System.nanoTime()));
                RawAgent.Closed closed = awaitClose(agent, sent, deadline);
                agent.stopFlood();
                frames += sent.get();
                if (closed == null) {
                    System.err.printf("connection %d: %d frames, still open at the end%n", connections, sent.get());
                } else {
                    closedByGateway++;
                    long at = millisSince(started);
                    if (closedByGateway == 1) {
                        firstClose = (at - opened) + " " + closed.code() + " " + oneLine(closed.reason());
                    }
                    System.err.printf(
                            "connection %d: %d frames, closed at %d ms: %d %s%n",
                            connections, sent.get(), at, closed.code(), oneLine(closed.reason()));
                }
            }
        }
        System.out.printf("%d %d %d %d %s%n", connections, closedByGateway, frames, failures, firstClose);
        System.exit(0);
    }

    /**
     * The close, or null when the connection is still open at {@code deadline}. An agent that does
     * not read does not see the gateway close its connection either (no read, no end of stream): once
     * the flood has stalled for a second (nothing more taken), it reads again, as {@code HostileAgentIT}
     * does, to see whether the gateway closed it, and stops reading again if the flood goes on.
     */
    private static RawAgent.Closed awaitClose(RawAgent agent, AtomicLong sent, long deadline)
            throws InterruptedException {
        long last = -1;
        long lastChange = System.nanoTime();
        boolean reading = false;
        while (System.nanoTime() < deadline) {
            try {
                return agent.closed()
                        .get(Math.min(100_000_000L, Math.max(0, deadline - System.nanoTime())), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                long now = sent.get();
                if (now != last) {
                    last = now;
                    lastChange = System.nanoTime();
                    if (reading) {
                        agent.stopReading();
                        reading = false;
                    }
                } else if (!reading && System.nanoTime() - lastChange > STALLED) {
                    agent.resumeReading();
                    reading = true;
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }
        return agent.closed().isDone() ? agent.closed().join() : null;
    }

    private static long millisSince(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    private static String oneLine(String text) {
        return text.isEmpty() ? "(no reason)" : text.replaceAll("\\s+", "_");
    }
}
