package dev.porthole.auth.console;

import java.util.ArrayDeque;
import java.util.Optional;

/**
 * What one console page is owed and not yet sent. websockets-next has no write-queue signal, so a
 * page gets one message in flight at a time; while it is, new event rows wait here up to
 * {@code maxWaiting} and further ones are only counted, and a new sessions table replaces the one
 * waiting (only the latest matters). A page that stops reading thus costs at most
 * {@code maxWaiting} rows and one table.
 */
final class LiveQueue {

    private final int maxWaiting;
    private final ArrayDeque<String> rows = new ArrayDeque<>();
    private String table;
    private long missed;
    private boolean inFlight;

    LiveQueue(int maxWaiting) {
        if (maxWaiting < 1) {
            throw new IllegalArgumentException("a live page must be allowed at least 1 waiting row, was " + maxWaiting);
        }
        this.maxWaiting = maxWaiting;
    }

    /** An event row to send; counted as missed when {@code maxWaiting} already wait. */
    synchronized void row(String message) {
        if (rows.size() >= maxWaiting) {
            missed++;
        } else {
            rows.addLast(message);
        }
    }

    /** The whole table to send, replacing any table still waiting. */
    synchronized void table(String message) {
        table = message;
    }

    /**
     * The next message to send, and marks it in flight; empty when one is in flight already or
     * nothing waits. Call {@link #sent()} when the send completed.
     */
    synchronized Optional<String> next() {
        if (inFlight) {
            return Optional.empty();
        }
        String message;
        if (table != null) {
            message = table;
            table = null;
        } else if (!rows.isEmpty()) {
            message = rows.removeFirst();
        } else if (missed > 0) {
            message = "{\"missed\":" + missed + "}";
            missed = 0;
        } else {
            return Optional.empty();
        }
        inFlight = true;
        return Optional.of(message);
    }

    /** The message in flight was written. */
    synchronized void sent() {
        inFlight = false;
    }

    /** Rows waiting now. */
    synchronized int waiting() {
        return rows.size();
    }

    /** Rows dropped and not yet reported. */
    synchronized long missed() {
        return missed;
    }
}
