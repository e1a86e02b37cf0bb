package dev.porthole.agent.api;

import dev.porthole.agent.dial.TunnelSocket;
import dev.porthole.agent.tunnel.StreamAcceptor;
import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.mux.MuxStream;
import java.io.IOException;
import java.util.ArrayDeque;
import org.jboss.logging.Logger;

/**
 * The streams of a TCP tunnel waiting for {@link PortholeListener#accept()}: at most {@code
 * capacity}, each reading ahead at most {@link TunnelSocket#READ_BUFFER} bytes; a stream beyond
 * that is reset at once, so a visitor of an application that stopped accepting is turned away
 * instead of queued without bound.
 */
final class AcceptQueue implements StreamAcceptor {

    private static final Logger LOG = Logger.getLogger(PortholeListener.class);

    private final int capacity;
    private final ArrayDeque<TunnelSocket> pending = new ArrayDeque<>();
    /** Why no more streams are taken (closed, the tunnel ended), or null while open. */
    private String endedBecause;

    AcceptQueue(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public void accept(MuxStream stream, Open open, TunnelSpec tunnel) {
        if (StreamAcceptor.refusedHttpOnTcp(stream, open, tunnel)) {
            return;
        }
        String refusal;
        synchronized (this) {
            if (endedBecause != null) {
                refusal = "the application's listener is closed";
            } else if (pending.size() >= capacity) {
                refusal = "the application is not accepting: " + capacity + " connections wait already";
            } else {
                pending.add(new TunnelSocket(stream, "the application"));
                notifyAll();
                return;
            }
        }
        LOG.warnf("tunnel '%s': connection from %s refused: %s", tunnel.name(), open.source(), refusal);
        stream.reset(ResetCode.LIMIT_REACHED, refusal);
    }

    /**
     * The next stream, waiting at most {@code timeoutNanos} (negative: for ever).
     *
     * @return the stream, or null when the time ran out
     * @throws IOException once the queue is ended
     */
    synchronized TunnelSocket take(long timeoutNanos) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (pending.isEmpty()) {
            if (endedBecause != null) {
                throw new IOException(endedBecause);
            }
            if (timeoutNanos < 0) {
                wait();
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                wait(Math.max(1, left / 1_000_000));
            }
        }
        return pending.poll();
    }

    /** Takes no more streams, resets those still waiting and wakes every {@link #take} with {@code reason}. */
    void end(String reason) {
        ArrayDeque<TunnelSocket> left;
        synchronized (this) {
            if (endedBecause != null) {
                return;
            }
            endedBecause = reason;
            left = new ArrayDeque<>(pending);
            pending.clear();
            notifyAll();
        }
        left.forEach(TunnelSocket::close);
    }

    synchronized int waiting() {
        return pending.size();
    }
}
