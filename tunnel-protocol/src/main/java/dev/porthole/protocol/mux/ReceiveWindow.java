package dev.porthole.protocol.mux;

/**
 * The credit one stream grants its peer: how many bytes the peer may still send, and when to give
 * more back. Confined to the session's context.
 *
 * <p>Credit goes back in batches of half a window: fewer WINDOW frames, and a peer that keeps
 * sending still has half a window in hand when the credit is on its way. If that half was read in
 * less than the time the credit takes to reach the peer and be used
 * ({@link WindowBudget#growthInterval()}), the peer runs dry before new credit arrives: the window
 * is what holds the stream back, and it doubles (see {@link MuxSettings}). A slow reader, or a slow
 * sender, never grows it.
 */
final class ReceiveWindow {

    private final WindowBudget budget;
    private final int initial;
    /** Credit the peer has left: bytes it may still send before this side returns some. */
    private int remaining;
    /** The credit granted in all, which grows while a bulk transfer needs it. */
    private int window;

    private int consumedUnacknowledged;
    /** When the credit returned last was granted (or the stream opened): the start of the current half window. */
    private long epochNanos;

    ReceiveWindow(WindowBudget budget, int initial) {
        this.budget = budget;
        this.initial = initial;
        this.remaining = initial;
        this.window = initial;
        this.epochNanos = budget.now();
    }

    /** Spends {@code length} bytes of the peer's credit; false, spending nothing, if it has less. */
    boolean spend(int length) {
        if (length > remaining) {
            return false;
        }
        remaining -= length;
        return true;
    }

    /** The credit the peer has left. */
    int remaining() {
        return remaining;
    }

    /**
     * Counts {@code length} bytes the reader consumed; answers the credit to send back now, or 0
     * while less than half a window waits (or the peer has finished sending).
     */
    int consumed(int length, boolean peerFinished) {
        consumedUnacknowledged += length;
        if (peerFinished || consumedUnacknowledged < Math.max(1, window / 2)) {
            return 0;
        }
        int increment = consumedUnacknowledged;
        consumedUnacknowledged = 0;
        long now = budget.now();
        if (now - epochNanos < budget.growthInterval()) {
            int growth = budget.grow(window);
            window += growth;
            increment += growth;
        }
        epochNanos = now;
        remaining += increment;
        return increment;
    }

    /** What the window grew beyond its initial size; given back to the session when the stream closes. */
    int growth() {
        return window - initial;
    }
}
