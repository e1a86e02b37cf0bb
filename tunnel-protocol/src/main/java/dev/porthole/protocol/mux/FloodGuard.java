package dev.porthole.protocol.mux;

import dev.porthole.protocol.frame.ProtocolError;
import dev.porthole.protocol.frame.ProtocolException;
import java.util.function.LongSupplier;

/**
 * Bounds what a peer can make one connection do for nothing: frames that do no work (PING, PONG,
 * NOTICE and the other connection frames, OPENs that are refused, WebSocket pings, control frames
 * for streams that are gone) may come at a steady rate with a burst, and the answers this side
 * owes while its write queue is full are counted. Past either bound the connection is closed with
 * {@link ProtocolError#FLOOD}: without it an agent that never reads and floods PINGs made the
 * gateway queue PONGs until it ran out of memory. Confined to the session's context.
 */
final class FloodGuard {

    /** Frames doing no work that a peer may send at once; a real agent sends a few per heartbeat. */
    static final int IDLE_FRAME_BURST = 4096;
    /** Frames doing no work that a peer may send per second, on average. */
    static final int IDLE_FRAMES_PER_SECOND = 1024;
    /** Answers owed while the write queue is full beyond which the peer is taken to be flooding, besides a few per stream. */
    static final int PENDING_REPLIES = 1024;

    private final LongSupplier nanoClock;
    private final int maxPendingReplies;
    private double tokens = IDLE_FRAME_BURST;
    private long refilledAt;
    private int pendingReplies;

    FloodGuard(LongSupplier nanoClock, int maxStreams) {
        this.nanoClock = nanoClock;
        this.maxPendingReplies = maxPendingReplies(maxStreams);
        this.refilledAt = nanoClock.getAsLong();
    }

    /**
     * The answers a connection may owe while its write queue is full: {@link #PENDING_REPLIES}, and
     * four per stream, since every open stream may owe a WINDOW and an RST of its own in a busy moment.
     */
    static int maxPendingReplies(int maxStreams) {
        return PENDING_REPLIES + 4 * maxStreams;
    }

    /** Counts a frame that did no work; throws once the peer sent more of them than the rate allows. */
    void idleFrame(String what) throws ProtocolException {
        long now = nanoClock.getAsLong();
        tokens = Math.min(IDLE_FRAME_BURST, tokens + (now - refilledAt) * (IDLE_FRAMES_PER_SECOND / 1e9));
        refilledAt = now;
        if (tokens < 1) {
            throw new ProtocolException(
                    ProtocolError.FLOOD,
                    "more than " + IDLE_FRAME_BURST + " frames that do no work (the last a " + what + ") faster than "
                            + IDLE_FRAMES_PER_SECOND + " a second");
        }
        tokens--;
    }

    /** Counts an answer owed while the write queue is full; throws past the bound. */
    void replyWhileFull(String what) throws ProtocolException {
        if (++pendingReplies > maxPendingReplies) {
            throw new ProtocolException(
                    ProtocolError.FLOOD,
                    "more than " + maxPendingReplies + " answers (the last a " + what
                            + ") owed to a peer that is not reading them");
        }
    }

    /** The write queue has room again: what was owed is on its way. */
    void drained() {
        pendingReplies = 0;
    }
}
