package dev.porthole.notification.delivery;

import java.time.Duration;

/** Counts webhook requests on the wire, so that shutdown can wait for their answers. */
final class RequestsOnTheWire {

    private int count;

    synchronized void enter() {
        count++;
    }

    synchronized void leave() {
        count--;
        if (count == 0) {
            notifyAll();
        }
    }

    /** Waits until no request is on the wire, at most {@code max}; true when none is. */
    synchronized boolean awaitNone(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (count > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
