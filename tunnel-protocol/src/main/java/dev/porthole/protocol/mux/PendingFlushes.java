package dev.porthole.protocol.mux;

import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The streams with queued data to send: those due at the end of the current event-loop task, and
 * those waiting for the transport's write queue to drain, each flushed in the order it came.
 * Confined to the session's context.
 */
final class PendingFlushes {

    private final Context context;
    private final FrameTransport transport;
    // Created when first needed: a session that never sends holds neither (issue 19's memory per idle tunnel).
    private Set<MuxStream> due;
    private Set<MuxStream> waiting;
    private boolean scheduled;

    PendingFlushes(Context context, FrameTransport transport) {
        this.context = context;
        this.transport = transport;
    }

    /**
     * Flushes the stream at the end of the current event-loop task rather than at once: a write and
     * the end that follows it in the same task leave as one DATA frame with FIN.
     */
    void atEndOfTask(MuxStream stream) {
        if (due == null) {
            due = new LinkedHashSet<>();
        }
        due.add(stream);
        if (!scheduled) {
            scheduled = true;
            context.runOnContext(ignored -> flushDue());
        }
    }

    /** Flushes the stream once the transport's write queue drains. */
    void whenDrained(MuxStream stream) {
        if (waiting == null) {
            waiting = new LinkedHashSet<>();
        }
        waiting.add(stream);
    }

    /**
     * The write queue drained: flushes the waiting streams in arrival order; a stream that finds the
     * queue full again queues itself again, and the ones not reached yet stay queued.
     */
    void drained() {
        if (waiting == null || waiting.isEmpty()) {
            return;
        }
        for (MuxStream stream : new ArrayList<>(waiting)) {
            if (transport.writeQueueFull()) {
                return;
            }
            waiting.remove(stream);
            stream.flush();
        }
    }

    /** A closed stream has nothing more to flush. */
    void forget(MuxStream stream) {
        if (due != null) {
            due.remove(stream);
        }
        if (waiting != null) {
            waiting.remove(stream);
        }
    }

    void clear() {
        due = null;
        waiting = null;
    }

    private void flushDue() {
        scheduled = false;
        if (due == null || due.isEmpty()) {
            return;
        }
        List<MuxStream> now = new ArrayList<>(due);
        due.clear();
        for (MuxStream stream : now) {
            stream.flush();
        }
    }
}
